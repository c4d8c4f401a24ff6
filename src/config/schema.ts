import { z } from 'zod';
import type { OutputMode } from '../model/istio.js';
import { durationMs } from '../util/duration.js';
import { DEFAULT_XDS_LIMITS } from '../mcp/limits.js';

const OUTPUT_MODES: readonly [OutputMode, ...OutputMode[]] = ['serviceentry', 'workloadentry'];

const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/, 'must be HOST:PORT (e.g. 0.0.0.0:15051)');

const dns1123Label = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'must be a DNS-1123 label (lower case, digits, "-")');

/** The mass-deletion guard's keys (docs/mass-deletion.md); unset keys take the defaults. */
export const massDeletionSchema = z
  .object({
    holdFor: durationMs.optional(),
    fraction: z.number().min(0).max(1).optional(),
    minServices: z.number().int().min(1).optional(),
  })
  .strict();

/** Keys every registry entry has; type-specific keys are validated by the adapter's own schema. */
export const registryCommonSchema = z
  .object({
    name: dns1123Label,
    type: z.string().min(1),
    namespace: dns1123Label.optional(),
    massDeletion: massDeletionSchema.optional(),
  })
  .loose();

const count = (min: number, max: number) => z.number().int().min(min).max(max);

/** xds.limits: what one client can make the server hold (see src/mcp/limits.ts). */
const xdsLimitsSchema = z
  .object({
    maxMessageBytes: count(1024, 2 ** 30).default(DEFAULT_XDS_LIMITS.maxMessageBytes),
    maxStreams: count(1, 1_000_000).default(DEFAULT_XDS_LIMITS.maxStreams),
    maxStreamsPerPeer: count(1, 1_000_000).default(DEFAULT_XDS_LIMITS.maxStreamsPerPeer),
    maxNamesPerRequest: count(1, 10_000_000).default(DEFAULT_XDS_LIMITS.maxNamesPerRequest),
    maxNamesPerStream: count(1, 100_000_000).default(DEFAULT_XDS_LIMITS.maxNamesPerStream),
  })
  .strict();

export const configSchema = z
  .object({
    xds: z
      .object({
        address: hostPort.default('0.0.0.0:15051'),
        debounce: durationMs.default(100),
        maxDelay: durationMs.default(1000),
        delta: z.boolean().default(true),
        tls: z
          .object({
            certFile: z.string().min(1),
            keyFile: z.string().min(1),
            /** When set, clients must present a certificate signed by this CA (mutual TLS). */
            clientCaFile: z.string().min(1).optional(),
            /** How often the files are checked for new material (swapped in without a restart). */
            reloadInterval: durationMs.default(5000),
          })
          .strict()
          .optional(),
        limits: xdsLimitsSchema.default({ ...DEFAULT_XDS_LIMITS }),
      })
      .strict()
      .default({
        address: '0.0.0.0:15051',
        debounce: 100,
        maxDelay: 1000,
        delta: true,
        limits: { ...DEFAULT_XDS_LIMITS },
      }),
    admin: z
      .object({ address: hostPort.default('127.0.0.1:15052') })
      .strict()
      .default({ address: '127.0.0.1:15052' }),
    output: z
      .object({ mode: z.enum(OUTPUT_MODES).default('serviceentry') })
      .strict()
      .default({ mode: 'serviceentry' }),
    log: z
      .object({
        level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
      })
      .strict()
      .default({ level: 'info' }),
    massDeletion: massDeletionSchema.default({}),
    registries: z.array(registryCommonSchema).min(1, 'list at least one registry'),
  })
  .strict();

export type RawConfig = z.infer<typeof configSchema>;
export type RegistryCommon = z.infer<typeof registryCommonSchema>;

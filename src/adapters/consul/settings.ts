import { z } from 'zod';
import { durationMs } from '../../util/duration.js';
import { unknownPlaceholders } from './host.js';
import { istioProtocol } from '../../convert/protocol.js';

/** How Consul check states decide `RegistryInstance.healthy`. */
export const HEALTH_POLICIES = ['passing', 'passing+warning', 'any'] as const;
export type HealthPolicy = (typeof HEALTH_POLICIES)[number];

const MIN_WAIT_MS = 1_000;
const MAX_WAIT_MS = 600_000; // Consul caps `wait` at 10 minutes

const httpUrl = z.string().refine((v) => {
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.search === '' && u.hash === '';
  } catch {
    return false;
  }
}, 'must be an http:// or https:// URL such as http://127.0.0.1:8500');

const nonEmpty = z.string().trim().min(1, 'must not be empty');

const DEFAULT_INCLUDE = ['*'];
/** The Consul servers register themselves as service "consul"; it is no mesh service. */
const DEFAULT_EXCLUDE = ['consul'];

/** Type-specific keys of a `type: consul` registry entry. */
export const consulSettingsSchema = z
  .object({
    address: httpUrl.default('http://127.0.0.1:8500'),
    token: nonEmpty.optional(),
    tokenFile: nonEmpty.optional(),
    caFile: nonEmpty.optional(),
    certFile: nonEmpty.optional(),
    keyFile: nonEmpty.optional(),
    insecureSkipVerify: z.boolean().default(false),
    datacenters: z.array(nonEmpty).min(1, 'list at least one datacenter or leave the key out').optional(),
    services: z
      .object({
        include: z.array(nonEmpty).min(1).default(DEFAULT_INCLUDE),
        exclude: z.array(nonEmpty).default(DEFAULT_EXCLUDE),
      })
      .strict()
      .default({ include: DEFAULT_INCLUDE, exclude: DEFAULT_EXCLUDE }),
    tags: z.array(nonEmpty).default([]),
    health: z.enum(HEALTH_POLICIES).default('passing'),
    consulNamespace: nonEmpty.optional(),
    partition: nonEmpty.optional(),
    hostTemplate: nonEmpty.optional(),
    wait: durationMs.default(60_000),
    stale: z.boolean().default(false),
    protocolDefault: z
      .string()
      .refine(
        (p) => istioProtocol(p) !== undefined,
        'not a protocol Istio knows (http, http2, grpc, tcp, tls, ...)',
      )
      .transform((p) => p.trim().toLowerCase())
      .default('tcp'),
    protocolTag: nonEmpty.default('protocol'),
    emptyGracePeriod: durationMs.default(30_000),
    maxConcurrentQueries: z.int().min(1).max(1000).default(100),
    backoff: z
      .object({ initial: durationMs.default(250), max: durationMs.default(30_000) })
      .strict()
      .default({ initial: 250, max: 30_000 }),
  })
  .strict()
  .superRefine((s, ctx) => {
    const issue = (path: string[], message: string): void => {
      ctx.addIssue({ code: 'custom', path, message });
    };
    if (s.token !== undefined && s.tokenFile !== undefined) {
      issue(['tokenFile'], 'set either token or tokenFile, not both');
    }
    if ((s.certFile === undefined) !== (s.keyFile === undefined)) {
      issue([s.certFile === undefined ? 'certFile' : 'keyFile'], 'certFile and keyFile go together');
    }
    const tls = s.caFile ?? s.certFile ?? s.keyFile ?? (s.insecureSkipVerify ? 'x' : undefined);
    if (tls !== undefined && !s.address.startsWith('https:')) {
      issue(
        ['address'],
        'TLS settings (caFile, certFile, keyFile, insecureSkipVerify) need an https:// address',
      );
    }
    if (s.wait < MIN_WAIT_MS || s.wait > MAX_WAIT_MS) {
      issue(['wait'], 'must be between 1s and 10m');
    }
    if (s.backoff.initial < 1 || s.backoff.max < s.backoff.initial) {
      issue(['backoff'], 'initial must be at least 1ms and max at least initial');
    }
    if (s.hostTemplate !== undefined) {
      const bad = unknownPlaceholders(s.hostTemplate);
      if (bad.length > 0) issue(['hostTemplate'], `unknown placeholder ${bad[0]} (use {service} and {dc})`);
      else if (!s.hostTemplate.includes('{service}')) issue(['hostTemplate'], 'must contain {service}');
      else if ((s.datacenters?.length ?? 1) > 1 && !s.hostTemplate.includes('{dc}')) {
        issue(['hostTemplate'], 'must contain {dc} when several datacenters are listed');
      }
    }
    if (s.datacenters && new Set(s.datacenters).size !== s.datacenters.length) {
      issue(['datacenters'], 'lists a datacenter twice');
    }
  });

export type ConsulSettings = z.output<typeof consulSettingsSchema>;

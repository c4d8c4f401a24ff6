import { isIP } from 'node:net';
import { z } from 'zod';
import { istioProtocol } from '../../convert/protocol.js';
import { durationMs } from '../../util/duration.js';
import { checkCommonSettings, commonSettingsShape } from '../kit/common-settings.js';
import { issueReporter, nonEmpty } from '../kit/schema-parts.js';
import { HOST_PLACEHOLDERS } from './host.js';

/** Which Dubbo layouts are read. */
export const MODES = ['interface', 'application', 'both'] as const;
export type ZkMode = (typeof MODES)[number];

/**
 * Dubbo protocol → the protocol its port is served as (any name
 * convert/protocol.ts knows). `protocols` in the settings adds to or overrides these.
 */
export const DEFAULT_PROTOCOLS: ReadonlyMap<string, string> = new Map([
  ['dubbo', 'tcp'],
  ['tri', 'grpc'],
  ['triple', 'grpc'],
  ['grpc', 'grpc'],
  ['rest', 'http'],
  ['http', 'http'],
  ['hessian', 'http'],
  ['webservice', 'http'],
  ['jsonrpc', 'http'],
  ['thrift', 'tcp'],
  ['redis', 'redis'],
]);

const MIN_SESSION_MS = 1_000;
const MAX_SESSION_MS = 600_000;

/** `host:port` or `[ipv6]:port`. */
export function isServerAddress(s: string): boolean {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(s);
  if (!m) return false;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return false;
  if (m[1] !== undefined) return isIP(m[1]) === 6;
  return isIP(m[2]!) === 4 || /^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?$/.test(m[2]!);
}

const address = z
  .union([z.string(), z.array(z.string()).min(1)])
  .transform((v) =>
    (Array.isArray(v) ? v : v.split(','))
      .flatMap((a) => a.split(','))
      .map((a) => a.trim())
      .filter((a) => a !== ''),
  )
  .refine((list) => list.length > 0, 'list at least one ZooKeeper server as host:port')
  .refine(
    (list) => list.every(isServerAddress),
    'every server must be host:port or [ipv6]:port (a comma list or an array)',
  );

const znodePath = z
  .string()
  .trim()
  .refine(
    (p) => /^\/[^/]/.test(p) && !p.endsWith('/') && !p.includes('//') && !p.includes('\u0000'),
    'must be an absolute znode path such as /dubbo (no trailing /)',
  );

const protocolName = z
  .string()
  .refine(
    (p) => istioProtocol(p) !== undefined,
    'not a protocol Istio knows (tcp, http, http2, grpc, tls, ...)',
  )
  .transform((p) => p.trim().toLowerCase());

/** Type-specific keys of a `type: zookeeper` registry entry. */
export const zookeeperSettingsSchema = z
  .object({
    ...commonSettingsShape(),
    address: address.default(['127.0.0.1:2181']),
    root: znodePath.default('/dubbo'),
    /** Where Dubbo 3 registers application-level instances (Curator service discovery). */
    servicesRoot: znodePath.default('/services'),
    mode: z.enum(MODES).default('both'),
    /** Digest credentials (`user:password`) read from a file. */
    auth: z
      .object({ scheme: z.literal('digest').default('digest'), file: nonEmpty })
      .strict()
      .optional(),
    sessionTimeout: durationMs.default(30_000),
    /** Dubbo protocol → served protocol, merged over DEFAULT_PROTOCOLS. */
    protocols: z
      .record(z.string().trim().min(1), protocolName)
      .default({})
      .transform((r) => {
        const out = new Map(DEFAULT_PROTOCOLS);
        for (const [k, v] of Object.entries(r)) out.set(k.trim().toLowerCase(), v);
        return out;
      }),
    /** Protocol of ports whose Dubbo protocol is not in `protocols`. */
    protocolDefault: protocolName.default('tcp'),
    /** Reads in flight at once (the initial tree and resyncs are read with this bound). */
    maxConcurrentReads: z.int().min(1).max(1000).default(100),
  })
  .strict()
  .superRefine((s, ctx) => {
    const issue = issueReporter(ctx);
    if (s.sessionTimeout < MIN_SESSION_MS || s.sessionTimeout > MAX_SESSION_MS) {
      issue(['sessionTimeout'], 'must be between 1s and 10m');
    }
    checkCommonSettings(s, { placeholders: HOST_PLACEHOLDERS, required: '{interface}' }, issue);
    if (new Set(s.address).size !== s.address.length) issue(['address'], 'lists a server twice');
  });

export type ZookeeperSettings = z.output<typeof zookeeperSettingsSchema>;

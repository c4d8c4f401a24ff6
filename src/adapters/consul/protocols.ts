/** Port protocols Istio accepts on a ServiceEntry port (lower case). */
export const ISTIO_PROTOCOLS = [
  'grpc',
  'grpc-web',
  'http',
  'http2',
  'https',
  'mongo',
  'mysql',
  'redis',
  'tcp',
  'tls',
  'udp',
] as const;

export type IstioProtocol = (typeof ISTIO_PROTOCOLS)[number];

const KNOWN: ReadonlySet<string> = new Set(ISTIO_PROTOCOLS);

/** Lower-cases a protocol name; undefined when Istio does not know it. */
export function normaliseProtocol(value: string): IstioProtocol | undefined {
  const p = value.trim().toLowerCase();
  return KNOWN.has(p) ? (p as IstioProtocol) : undefined;
}

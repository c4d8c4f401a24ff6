/**
 * Registry protocol names mapped to Istio's ServicePort protocols. A Map, not
 * an object: the name is registry input, and `constructor` or `__proto__`
 * must be unknown protocols, not Object.prototype's members.
 */
const PROTOCOLS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    http: 'HTTP',
    http1: 'HTTP',
    'http/1.1': 'HTTP',
    https: 'HTTPS',
    http2: 'HTTP2',
    h2: 'HTTP2',
    h2c: 'HTTP2',
    grpc: 'GRPC',
    'grpc-web': 'GRPC-WEB',
    triple: 'GRPC',
    tri: 'GRPC',
    tcp: 'TCP',
    dubbo: 'TCP',
    tls: 'TLS',
    mongo: 'MONGO',
    mongodb: 'MONGO',
    redis: 'REDIS',
    mysql: 'MYSQL',
  }),
);

/** Istio protocol for a registry protocol name; `undefined` when it is not one Istio knows. */
export function istioProtocol(name: string): string | undefined {
  if (typeof name !== 'string') return undefined;
  return PROTOCOLS.get(name.trim().toLowerCase());
}

/** The lower-case prefix used in port names (`http-9080`). */
export function portNamePrefix(istioProto: string): string {
  return istioProto.toLowerCase();
}

/** Registry protocol names mapped to Istio's ServicePort protocols. */
const PROTOCOLS: Readonly<Record<string, string>> = {
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
};

/** Istio protocol for a registry protocol name; `undefined` when it is not one Istio knows. */
export function istioProtocol(name: string): string | undefined {
  return PROTOCOLS[name.trim().toLowerCase()];
}

/** The lower-case prefix used in port names (`http-9080`). */
export function portNamePrefix(istioProto: string): string {
  return istioProto.toLowerCase();
}

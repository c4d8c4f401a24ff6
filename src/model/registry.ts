/**
 * The normalised form every adapter produces. Converters read only this, so a
 * new registry type needs an adapter that fills these shapes and nothing else.
 */

/** One reachable instance (provider) of a service, as the registry reports it. */
export interface RegistryInstance {
  /** Stable id within the service when the registry has one (Consul service ID, Eureka instanceId). */
  readonly id?: string;
  /** IP address or hostname. */
  readonly address: string;
  readonly port: number;
  /** Protocol of this instance's port (http, http2, grpc, tcp, tls, https, mongo, redis, ...). */
  readonly protocol?: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Unhealthy instances are not served; they still count for the service's port list. */
  readonly healthy: boolean;
  /** Istio locality, `region/zone/subzone`. */
  readonly locality?: string;
  readonly weight?: number;
  readonly network?: string;
  readonly serviceAccount?: string;
}

/** A service of one registry with all its instances (healthy or not). */
export interface RegistryService {
  /** Stable key within the registry; two services of one registry never share it. */
  readonly id: string;
  /** The name as the registry spells it (kept in an annotation when it had to be changed). */
  readonly name: string;
  /** Overrides the registry's namespace for this service. */
  readonly namespace?: string;
  /** Explicit host; default is `<sanitised name>.<namespace>`. */
  readonly host?: string;
  /** Default protocol for instances that do not name one. */
  readonly protocol?: string;
  /** Extra annotations for the generated resources (values kept verbatim). */
  readonly annotations?: Readonly<Record<string, string>>;
  readonly instances: readonly RegistryInstance[];
}

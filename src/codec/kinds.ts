import type { ResourceKind } from '../model/istio.js';

/**
 * Everything the codec and the server need to know about one kind the bridge
 * serves. Adding a third served kind means adding one object here (plus its
 * proto file and its converter); the store, the server and the debug views
 * iterate over SERVED_KIND_DEFS.
 */
export interface ServedKindDef {
  readonly kind: ResourceKind;
  /** API group of the type URLs istiod asks for (`<group>/<version>/<kind>`). */
  readonly group: string;
  /** Group versions istiod has asked for; every one maps to the same resources. */
  readonly versions: readonly string[];
  /** Fully qualified proto message of the body (always v1alpha3, as istiod decodes it). */
  readonly bodyMessage: string;
  /** proto/ file that defines the body message. */
  readonly protoFile: string;
  /** apiVersion of the Kubernetes manifests `dump` prints. */
  readonly manifestApiVersion: string;
}

const NETWORKING_VERSIONS = ['v1alpha3', 'v1beta1', 'v1'] as const;

export const SERVICE_ENTRY: ServedKindDef = {
  kind: 'ServiceEntry',
  group: 'networking.istio.io',
  versions: NETWORKING_VERSIONS,
  bodyMessage: 'istio.networking.v1alpha3.ServiceEntry',
  protoFile: 'istio/networking/v1alpha3/service_entry.proto',
  manifestApiVersion: 'networking.istio.io/v1',
};

export const WORKLOAD_ENTRY: ServedKindDef = {
  kind: 'WorkloadEntry',
  group: 'networking.istio.io',
  versions: NETWORKING_VERSIONS,
  bodyMessage: 'istio.networking.v1alpha3.WorkloadEntry',
  protoFile: 'istio/networking/v1alpha3/workload_entry.proto',
  manifestApiVersion: 'networking.istio.io/v1',
};

/** Every kind the store holds, in a fixed order. */
export const SERVED_KIND_DEFS: readonly ServedKindDef[] = [SERVICE_ENTRY, WORKLOAD_ENTRY];

export const SERVED_KINDS: readonly ResourceKind[] = SERVED_KIND_DEFS.map((d) => d.kind);

export function kindDef(kind: ResourceKind): ServedKindDef {
  const def = SERVED_KIND_DEFS.find((d) => d.kind === kind);
  if (!def) throw new Error(`no codec definition for kind ${kind}`);
  return def;
}

const BODY_TYPE_URLS = new Map(SERVED_KIND_DEFS.map((d) => [d.kind, `type.googleapis.com/${d.bodyMessage}`]));

/** `type.googleapis.com/<body message>`: the body's type URL inside the MCP resource (built once per kind). */
export function bodyTypeUrl(kind: ResourceKind): string {
  const url = BODY_TYPE_URLS.get(kind);
  if (url === undefined) throw new Error(`no codec definition for kind ${kind}`);
  return url;
}

/** Every type URL under which a served kind is answered. */
export function servedTypeUrls(): string[] {
  return SERVED_KIND_DEFS.flatMap((d) => d.versions.map((v) => `${d.group}/${v}/${d.kind}`));
}

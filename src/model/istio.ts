/**
 * Istio resource shapes as the bridge produces them, with Istio's JSON field
 * names (camelCase, enums as strings). The same objects feed the protobuf
 * encoder (protobufjs `fromObject`) and the Kubernetes manifests of `dump`.
 */

export type ResourceKind = 'ServiceEntry' | 'WorkloadEntry';

/** `serviceentry`: endpoints inline; `workloadentry`: a selector plus one WorkloadEntry per address. */
export type OutputMode = 'serviceentry' | 'workloadentry';

export interface ServicePortSpec {
  number: number;
  protocol: string;
  name: string;
  targetPort?: number;
}

export interface WorkloadEntrySpec {
  address: string;
  ports?: Record<string, number>;
  labels?: Record<string, string>;
  network?: string;
  locality?: string;
  weight?: number;
  serviceAccount?: string;
}

export interface ServiceEntrySpec {
  hosts: string[];
  addresses?: string[];
  ports: ServicePortSpec[];
  location: 'MESH_EXTERNAL' | 'MESH_INTERNAL';
  resolution: 'NONE' | 'STATIC' | 'DNS' | 'DNS_ROUND_ROBIN';
  endpoints?: WorkloadEntrySpec[];
  exportTo?: string[];
  subjectAltNames?: string[];
  workloadSelector?: { labels: Record<string, string> };
}

interface ResourceBase {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface ServiceEntryResource extends ResourceBase {
  readonly kind: 'ServiceEntry';
  readonly spec: ServiceEntrySpec;
}

export interface WorkloadEntryResource extends ResourceBase {
  readonly kind: 'WorkloadEntry';
  readonly spec: WorkloadEntrySpec;
}

export type IstioResource = ServiceEntryResource | WorkloadEntryResource;

/** `<namespace>/<name>`: the MCP resource name and the store key. */
export function resourceKey(r: { namespace: string; name: string }): string {
  return `${r.namespace}/${r.name}`;
}

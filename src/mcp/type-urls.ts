import type { ResourceKind } from '../model/istio.js';

export const MCP_RESOURCE_TYPE = 'type.googleapis.com/istio.mcp.v1alpha1.Resource';
export const MESH_CONFIG_TYPE_URL = 'core/v1alpha1/MeshConfig';

/** The body's proto name is always v1alpha3, whatever version the type URL asks for. */
export const BODY_TYPE: Readonly<Record<ResourceKind, string>> = {
  ServiceEntry: 'type.googleapis.com/istio.networking.v1alpha3.ServiceEntry',
  WorkloadEntry: 'type.googleapis.com/istio.networking.v1alpha3.WorkloadEntry',
};

export const SERVED_KINDS: readonly ResourceKind[] = ['ServiceEntry', 'WorkloadEntry'];
const NETWORKING_VERSIONS = new Set(['v1alpha3', 'v1beta1', 'v1']);

/**
 * The kind a type URL asks for, when the bridge serves it. Every group
 * version istiod has used (v1alpha3, v1beta1, v1) maps to the same resources;
 * the reply echoes the requested string. Anything else is answered empty.
 */
export function servedKind(typeUrl: string): ResourceKind | undefined {
  const parts = typeUrl.split('/');
  if (parts.length !== 3 || parts[0] !== 'networking.istio.io' || !NETWORKING_VERSIONS.has(parts[1]!)) {
    return undefined;
  }
  return SERVED_KINDS.find((k) => k === parts[2]);
}

/** Istio kinds istiod's config-source client asks for, by release line (see the protocol reference). */
const KINDS_1_24: readonly string[] = [
  'security.istio.io/v1/AuthorizationPolicy',
  'networking.istio.io/v1/DestinationRule',
  'networking.istio.io/v1alpha3/EnvoyFilter',
  'networking.istio.io/v1/Gateway',
  'security.istio.io/v1/PeerAuthentication',
  'networking.istio.io/v1beta1/ProxyConfig',
  'security.istio.io/v1/RequestAuthentication',
  'networking.istio.io/v1/ServiceEntry',
  'networking.istio.io/v1/Sidecar',
  'telemetry.istio.io/v1/Telemetry',
  'networking.istio.io/v1/VirtualService',
  'extensions.istio.io/v1alpha1/WasmPlugin',
  'networking.istio.io/v1/WorkloadEntry',
  'networking.istio.io/v1/WorkloadGroup',
];

const KINDS_1_20: readonly string[] = [
  'security.istio.io/v1beta1/AuthorizationPolicy',
  'networking.istio.io/v1alpha3/DestinationRule',
  'networking.istio.io/v1alpha3/EnvoyFilter',
  'networking.istio.io/v1alpha3/Gateway',
  'security.istio.io/v1beta1/PeerAuthentication',
  'networking.istio.io/v1beta1/ProxyConfig',
  'security.istio.io/v1beta1/RequestAuthentication',
  'networking.istio.io/v1alpha3/ServiceEntry',
  'networking.istio.io/v1alpha3/Sidecar',
  'telemetry.istio.io/v1alpha1/Telemetry',
  'networking.istio.io/v1alpha3/VirtualService',
  'extensions.istio.io/v1alpha1/WasmPlugin',
  'networking.istio.io/v1alpha3/WorkloadEntry',
  'networking.istio.io/v1alpha3/WorkloadGroup',
];

export type IstioLine = '1.20' | '1.24' | '1.30';

/** The type URLs (after MeshConfig) an istiod of that release line requests, in its order. */
export function istiodTypeUrls(line: IstioLine): string[] {
  if (line === '1.20') return [...KINDS_1_20];
  const out = [...KINDS_1_24];
  if (line === '1.30') out.splice(10, 0, 'extensions.istio.io/v1alpha1/TrafficExtension');
  return out;
}

const KNOWN_TYPE_URLS = new Set<string>([
  MESH_CONFIG_TYPE_URL,
  ...istiodTypeUrls('1.20'),
  ...istiodTypeUrls('1.30'),
  ...SERVED_KINDS.flatMap((k) => [...NETWORKING_VERSIONS].map((v) => `networking.istio.io/${v}/${k}`)),
]);

/**
 * The type URL as a metric label: the ones istiod uses as they are, anything
 * else as "other", so a client cannot grow the label set without bound.
 */
export function typeUrlLabel(typeUrl: string): string {
  return KNOWN_TYPE_URLS.has(typeUrl) ? typeUrl : 'other';
}

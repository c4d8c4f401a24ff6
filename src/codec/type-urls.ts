import type { ResourceKind } from '../model/istio.js';
import { SERVED_KIND_DEFS, servedTypeUrls } from './kinds.js';

export const MCP_RESOURCE_TYPE = 'type.googleapis.com/istio.mcp.v1alpha1.Resource';
export const MESH_CONFIG_TYPE_URL = 'core/v1alpha1/MeshConfig';

/**
 * The kind a type URL asks for, when the bridge serves it. Every group
 * version istiod has used (v1alpha3, v1beta1, v1) maps to the same resources;
 * the reply echoes the requested string. Anything else is answered empty.
 */
export function servedKind(typeUrl: string): ResourceKind | undefined {
  const parts = typeUrl.split('/');
  if (parts.length !== 3) return undefined;
  const def = SERVED_KIND_DEFS.find((d) => d.kind === parts[2]);
  if (!def || def.group !== parts[0] || !def.versions.includes(parts[1]!)) return undefined;
  return def.kind;
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
  ...servedTypeUrls(),
]);

/**
 * The type URL as a metric label: the ones istiod uses as they are, anything
 * else as "other", so a client cannot grow the label set without bound.
 */
export function typeUrlLabel(typeUrl: string): string {
  return KNOWN_TYPE_URLS.has(typeUrl) ? typeUrl : 'other';
}

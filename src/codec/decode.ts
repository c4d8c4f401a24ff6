import type { IstioResource } from '../model/istio.js';
import { protoTypes } from './proto.js';
import { bodyTypeUrl, SERVED_KINDS } from './kinds.js';
import { MCP_RESOURCE_TYPE } from './type-urls.js';

export interface AnyMsg {
  type_url: string;
  value: Uint8Array;
}

export interface DecodedResource {
  readonly resource: IstioResource;
  readonly version: string;
}

interface McpResourceObj {
  metadata?: {
    name?: string;
    version?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  body?: { type_url?: string; value?: Uint8Array };
}

/**
 * Decodes one Any(istio.mcp.v1alpha1.Resource) the way istiod does: name
 * split on '/', body resolved by its type URL. Returns undefined (with the
 * reason) for what istiod would drop.
 */
export function decodeMcpResource(any: AnyMsg): DecodedResource | { error: string } {
  const t = protoTypes();
  if (!any.type_url.endsWith('/istio.mcp.v1alpha1.Resource') && any.type_url !== MCP_RESOURCE_TYPE) {
    return { error: `unexpected resource type ${any.type_url}` };
  }
  const obj = t.McpResource.toObject(t.McpResource.decode(any.value), {
    longs: Number,
    enums: String,
    defaults: false,
  }) as McpResourceObj;
  const name = obj.metadata?.name ?? '';
  const parts = name.split('/');
  if (parts.length !== 2) return { error: `invalid name "${name}"` };
  const kind = SERVED_KINDS.find((k) => bodyTypeUrl(k) === obj.body?.type_url);
  if (!kind) return { error: `unknown body type ${obj.body?.type_url ?? '(none)'}` };
  const bodyType = t.body(kind);
  const spec = bodyType.toObject(bodyType.decode(obj.body!.value!), {
    longs: Number,
    enums: String,
    defaults: false,
  });
  const resource = {
    kind,
    namespace: parts[0]!,
    name: parts[1]!,
    labels: obj.metadata?.labels ?? {},
    annotations: obj.metadata?.annotations ?? {},
    spec,
  } as IstioResource;
  return { resource, version: obj.metadata?.version ?? '' };
}

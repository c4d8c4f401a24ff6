import { createHash } from 'node:crypto';
import type { IstioResource } from '../model/istio.js';
import { resourceKey } from '../model/istio.js';
import { protoTypes } from './proto.js';
import { BODY_TYPE, MCP_RESOURCE_TYPE } from './type-urls.js';
import { bytesField, encodeAny, stringField } from './wire.js';

/** A resource as the store keeps it: encoded once, versioned by content. */
export interface EncodedResource {
  readonly key: string;
  readonly resource: IstioResource;
  /** Content hash of everything istiod stores (metadata and body). */
  readonly version: string;
  /** google.protobuf.Any wrapping istio.mcp.v1alpha1.Resource. */
  readonly any: Buffer;
}

/**
 * Encodes a resource and derives its version from the bytes. create_time is
 * the Unix epoch on purpose: a clock would make replicas (and restarts)
 * disagree on bytes; istiod would read an absent create_time the same way.
 */
export function encodeResource(resource: IstioResource): EncodedResource {
  const t = protoTypes();
  const bodyType = resource.kind === 'ServiceEntry' ? t.ServiceEntry : t.WorkloadEntry;
  const body = bodyType.encode(bodyType.fromObject(resource.spec)).finish();
  const key = resourceKey(resource);
  const meta = (version: string) => ({
    name: key,
    createTime: { seconds: 0, nanos: 0 },
    version,
    labels: resource.labels,
    annotations: resource.annotations,
  });
  const bodyAny = { type_url: BODY_TYPE[resource.kind], value: body };
  const unversioned = t.McpResource.encode(
    t.McpResource.fromObject({ metadata: meta(''), body: bodyAny }),
  ).finish();
  const version = createHash('sha256').update(resource.kind).update(unversioned).digest('hex').slice(0, 20);
  const versioned = t.McpResource.encode(
    t.McpResource.fromObject({ metadata: meta(version), body: bodyAny }),
  ).finish();
  return { key, resource, version, any: encodeAny(MCP_RESOURCE_TYPE, versioned) };
}

/** envoy.service.discovery.v3.Resource for Delta responses: version, the Any, name. */
export function encodeDeltaResource(r: EncodedResource): Buffer {
  return Buffer.concat([stringField(1, r.version), bytesField(2, r.any), stringField(3, r.key)]);
}

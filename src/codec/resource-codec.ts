import { createHash } from 'node:crypto';
import type { IstioResource } from '../model/istio.js';
import { resourceKey } from '../model/istio.js';
import { protoTypes } from './proto.js';
import { bodyTypeUrl } from './kinds.js';
import { MCP_RESOURCE_TYPE } from './type-urls.js';
import { bytesField, encodeAny, stringField } from './wire.js';

/** A resource as the store keeps it: encoded once, versioned by content. */
export interface EncodedResource {
  readonly key: string;
  readonly resource: IstioResource;
  /** Content hash of everything istiod stores (metadata and body). */
  readonly version: string;
  /** google.protobuf.Any wrapping istio.mcp.v1alpha1.Resource (a view into `sotwField`). */
  readonly any: Buffer;
  /** `resources` field (2) of a SotW DiscoveryResponse holding `any`: the bytes kept for serving. */
  readonly sotwField: Buffer;
}

/**
 * Encodes a resource and derives its version from the bytes. create_time is
 * the Unix epoch on purpose: a clock would make replicas (and restarts)
 * disagree on bytes; istiod would read an absent create_time the same way.
 */
export function encodeResource(resource: IstioResource): EncodedResource {
  const t = protoTypes();
  const bodyType = t.body(resource.kind);
  const body = bodyType.encode(bodyType.fromObject(resource.spec)).finish();
  const key = resourceKey(resource);
  // The version hashes everything istiod stores (kind, name, labels and annotations,
  // which are sorted records, and the body bytes), so the envelope is encoded once.
  const version = createHash('sha256')
    .update(
      `${resource.kind}\0${key}\0${JSON.stringify(resource.labels)}\0${JSON.stringify(resource.annotations)}\0`,
    )
    .update(body)
    .digest('hex')
    .slice(0, 20);
  const versioned = t.McpResource.encode(
    t.McpResource.fromObject({
      metadata: {
        name: key,
        createTime: { seconds: 0, nanos: 0 },
        version,
        labels: resource.labels,
        annotations: resource.annotations,
      },
      body: { type_url: bodyTypeUrl(resource.kind), value: body },
    }),
  ).finish();
  const any = encodeAny(MCP_RESOURCE_TYPE, versioned);
  const sotwField = bytesField(2, any, true);
  return { key, resource, version, any: sotwField.subarray(sotwField.length - any.length), sotwField };
}

/** envoy.service.discovery.v3.Resource for Delta responses: version, the Any, name. */
export function encodeDeltaResource(r: EncodedResource): Buffer {
  const parts = [stringField(1, r.version), bytesField(2, r.any), stringField(3, r.key)];
  const out = Buffer.allocUnsafeSlow(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) off += p.copy(out, off);
  return out;
}

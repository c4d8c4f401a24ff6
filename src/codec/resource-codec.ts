import { createHash } from 'node:crypto';
import type { IstioResource } from '../model/istio.js';
import { resourceKey } from '../model/istio.js';
import { protoTypes } from './proto.js';
import { bodyTypeUrl } from './kinds.js';
import { MCP_RESOURCE_TYPE } from './type-urls.js';
import { anyField, bytesField, stringField } from './wire.js';
import { EnvelopeEncoder } from './envelope-encoder.js';
import { SpecEncoder } from './spec-encoder.js';

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

/** Hex characters of a resource version. */
const VERSION_CHARS = 20;

const specEncoder = new SpecEncoder();
const envelopeEncoder = new EnvelopeEncoder();

/**
 * Encodes a resource and derives its version from the bytes. create_time is
 * the Unix epoch on purpose: a clock would make replicas (and restarts)
 * disagree on bytes; istiod would read an absent create_time the same way.
 *
 * The hand-written encoders (spec-encoder.ts, envelope-encoder.ts) write the
 * bytes protobufjs would, straight into the one buffer kept; an input they do
 * not cover goes through protobufjs (`encodeResourceWithProtobufjs`).
 */
export function encodeResource(resource: IstioResource): EncodedResource {
  const bodySize = specEncoder.plan(resource.kind, resource.spec);
  if (bodySize < 0) return encodeResourceWithProtobufjs(resource);
  const key = resourceKey(resource);
  const size = envelopeEncoder.plan({
    resourceTypeUrl: MCP_RESOURCE_TYPE,
    name: key,
    labels: resource.labels,
    annotations: resource.annotations,
    bodyTypeUrl: bodyTypeUrl(resource.kind),
    bodyLength: bodySize,
    versionLength: VERSION_CHARS,
  });
  if (size < 0) return encodeResourceWithProtobufjs(resource);
  // Outside Node's shared pool: this buffer is kept (see bytesField).
  const sotwField = Buffer.allocUnsafeSlow(size);
  const bodyStart = size - bodySize;
  specEncoder.write(sotwField, bodyStart);
  const version = contentVersion(resource, key, sotwField.subarray(bodyStart));
  const anyStart = envelopeEncoder.write(sotwField, version);
  return { key, resource, version, any: sotwField.subarray(anyStart), sotwField };
}

/** `encodeResource` through protobufjs `fromObject` and `encode`: the same bytes, for any input. */
export function encodeResourceWithProtobufjs(resource: IstioResource): EncodedResource {
  const t = protoTypes();
  const bodyType = t.body(resource.kind);
  const body = bodyType.encode(bodyType.fromObject(resource.spec)).finish();
  const key = resourceKey(resource);
  const version = contentVersion(resource, key, body);
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
  const { field: sotwField, anyOffset } = anyField(2, MCP_RESOURCE_TYPE, versioned);
  return { key, resource, version, any: sotwField.subarray(anyOffset), sotwField };
}

/**
 * The version hashes everything istiod stores (kind, name, labels and
 * annotations, which are sorted records, and the body bytes), so the envelope
 * is encoded once.
 */
function contentVersion(resource: IstioResource, key: string, body: Uint8Array): string {
  return createHash('sha256')
    .update(
      `${resource.kind}\0${key}\0${JSON.stringify(resource.labels)}\0${JSON.stringify(resource.annotations)}\0`,
    )
    .update(body)
    .digest('hex')
    .slice(0, VERSION_CHARS);
}

/** envoy.service.discovery.v3.Resource for Delta responses: version, the Any, name. */
export function encodeDeltaResource(r: EncodedResource): Buffer {
  const parts = [stringField(1, r.version), bytesField(2, r.any), stringField(3, r.key)];
  const out = Buffer.allocUnsafeSlow(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) off += p.copy(out, off);
  return out;
}

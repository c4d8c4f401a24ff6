/**
 * What the codec wrote before the hand-written encoders, spelled out with
 * protobufjs and the framing helpers: the reference the differential tests
 * compare byte for byte.
 */
import { protoTypes } from '../../src/codec/proto.js';
import { MCP_RESOURCE_TYPE } from '../../src/codec/type-urls.js';
import { bytesField, stringField } from '../../src/codec/wire.js';
import type { ResourceKind } from '../../src/model/istio.js';

/** protobufjs `encode(fromObject(spec))` of a body. */
export function referenceBody(kind: ResourceKind, spec: unknown): Buffer {
  const type = protoTypes().body(kind);
  return Buffer.from(type.encode(type.fromObject(spec as Record<string, unknown>)).finish());
}

export interface EnvelopeFields {
  readonly name: string;
  readonly labels: unknown;
  readonly annotations: unknown;
  readonly bodyTypeUrl: string;
  readonly version: string;
  readonly body: Uint8Array;
}

/** The SotW `resources` field: Any{MCP type URL, protobufjs-encoded istio.mcp.v1alpha1.Resource}. */
export function referenceSotwField(f: EnvelopeFields): Buffer {
  const t = protoTypes();
  const resource = t.McpResource.encode(
    t.McpResource.fromObject({
      metadata: {
        name: f.name,
        createTime: { seconds: 0, nanos: 0 },
        version: f.version,
        labels: f.labels,
        annotations: f.annotations,
      },
      body: { type_url: f.bodyTypeUrl, value: f.body },
    }),
  ).finish();
  return bytesField(2, Buffer.concat([stringField(1, MCP_RESOURCE_TYPE), bytesField(2, resource)]));
}

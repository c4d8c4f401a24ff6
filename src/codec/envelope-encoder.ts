import { delimitedSize, utf8Size, varintSize, WireTape } from './wire-tape.js';

/**
 * A hand-written encoder of what the store keeps for one resource: the SotW
 * `resources` field (2) holding a google.protobuf.Any of an
 * istio.mcp.v1alpha1.Resource, whose body Any holds the already encoded body.
 * Everything is written into one buffer; the body bytes are its last bytes,
 * so a caller can write (and hash) the body in place before the envelope.
 *
 * The Resource bytes are the ones protobufjs' `encode(fromObject(...))`
 * writes for metadata {name, create_time {0, 0}, version, labels,
 * annotations} and body {type_url, value}: fields by number, the empty
 * create_time message kept, map entries in `Object.keys` order with key and
 * value always present, empty name, version and value left out. Labels or
 * annotations that are not plain objects of strings, or a string with a lone
 * surrogate, make `plan` return -1: the caller then uses protobufjs.
 */

const SOTW_RESOURCES = 0x12;
const ANY_TYPE_URL = 0x0a;
const ANY_VALUE = 0x12;
const RESOURCE_METADATA = 0x0a;
const RESOURCE_BODY = 0x12;
const META_NAME = 0x0a;
const META_CREATE_TIME = 0x12;
const META_VERSION = 0x1a;
const META_LABELS = 0x22;
const META_ANNOTATIONS = 0x2a;
const ENTRY_KEY = 0x0a;
const ENTRY_VALUE = 0x12;

export interface EnvelopeInput {
  /** google.protobuf.Any type URL of the outer Any (the MCP Resource's). */
  readonly resourceTypeUrl: string;
  /** `<namespace>/<name>`. */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** Type URL of the body Any. */
  readonly bodyTypeUrl: string;
  readonly bodyLength: number;
  /** Characters of the version string `write` will be given (ASCII). */
  readonly versionLength: number;
}

function isPlainObject(v: unknown): v is Readonly<Record<string, unknown>> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export class EnvelopeEncoder {
  private readonly tape = new WireTape();
  private size = -1;
  private bodyLength = 0;
  private anyStart = 0;
  /** Where the version string goes on the tape (-1: no version field). */
  private versionSlot = -1;
  private versionLength = 0;

  /**
   * The size of the whole `resources` field, or -1 when the hand encoder does
   * not cover these labels, annotations, name or type URLs. Until the next
   * `plan`, `write` writes everything but the body's bytes, which go last.
   */
  plan(input: EnvelopeInput): number {
    const tape = this.tape;
    tape.reset();
    this.size = -1;
    const resourceUrl = utf8Size(input.resourceTypeUrl);
    const bodyUrl = utf8Size(input.bodyTypeUrl);
    const name = utf8Size(input.name);
    if (resourceUrl <= 0 || bodyUrl <= 0 || name < 0) return -1;
    const { bodyLength, versionLength } = input;

    tape.varint(SOTW_RESOURCES);
    const anySlot = tape.reserve();
    tape.varint(ANY_TYPE_URL);
    tape.string(input.resourceTypeUrl, resourceUrl);
    tape.varint(ANY_VALUE);
    const resourceSlot = tape.reserve();
    tape.varint(RESOURCE_METADATA);
    const metadataSlot = tape.reserve();
    let metadata = 0;
    if (name > 0) {
      tape.varint(META_NAME);
      tape.string(input.name, name);
      metadata += delimitedSize(name);
    }
    // create_time {0 s, 0 ns}: a message with no fields, still written.
    tape.varint(META_CREATE_TIME);
    tape.varint(0);
    metadata += delimitedSize(0);
    this.versionSlot = -1;
    if (versionLength > 0) {
      tape.varint(META_VERSION);
      // Known after the body is hashed: `write` puts it in.
      this.versionSlot = tape.string('', versionLength);
      metadata += delimitedSize(versionLength);
    }
    const labels = this.map(META_LABELS, input.labels);
    const annotations = this.map(META_ANNOTATIONS, input.annotations);
    if (labels < 0 || annotations < 0) return -1;
    metadata += labels + annotations;
    tape.set(metadataSlot, metadata);
    tape.varint(RESOURCE_BODY);
    const bodyAny = delimitedSize(bodyUrl) + (bodyLength > 0 ? delimitedSize(bodyLength) : 0);
    tape.varint(bodyAny);
    tape.varint(ANY_TYPE_URL);
    tape.string(input.bodyTypeUrl, bodyUrl);
    if (bodyLength > 0) {
      tape.varint(ANY_VALUE);
      tape.varint(bodyLength);
    }
    const resource = delimitedSize(metadata) + delimitedSize(bodyAny);
    tape.set(resourceSlot, resource);
    const any = delimitedSize(resourceUrl) + delimitedSize(resource);
    tape.set(anySlot, any);

    this.bodyLength = bodyLength;
    this.versionLength = versionLength;
    this.anyStart = 1 + varintSize(any);
    this.size = delimitedSize(any);
    return this.size;
  }

  /**
   * Writes the planned envelope into `buf` (of the planned size), all but
   * the body's bytes at its end; returns where the Any starts.
   */
  write(buf: Buffer, version: string): number {
    if (this.size < 0) throw new Error('EnvelopeEncoder.write without a covered plan');
    if (version.length !== this.versionLength || utf8Size(version) !== version.length) {
      throw new Error('the version is not the ASCII string of the planned length');
    }
    if (this.versionSlot >= 0) this.tape.set(this.versionSlot, version);
    if (this.tape.writeTo(buf, 0) !== this.size - this.bodyLength || buf.length !== this.size) {
      throw new Error('envelope size differs from the plan');
    }
    return this.anyStart;
  }

  /** The whole field in a buffer of its own (outside the shared pool), or undefined when not covered. */
  encode(
    input: Omit<EnvelopeInput, 'bodyLength' | 'versionLength'>,
    version: string,
    body: Uint8Array,
  ): Buffer | undefined {
    const size = this.plan({ ...input, bodyLength: body.length, versionLength: version.length });
    if (size < 0) return undefined;
    const out = Buffer.allocUnsafeSlow(size);
    this.write(out, version);
    out.set(body, size - body.length);
    return out;
  }

  /** A map<string, string> field (read once): one entry message per key, key and value always written; -1 if not covered. */
  private map(tag: number, v: unknown): number {
    if (!isPlainObject(v)) return -1;
    const tape = this.tape;
    let size = 0;
    for (const k of Object.keys(v)) {
      const value = v[k];
      if (typeof value !== 'string') return -1;
      const kb = utf8Size(k);
      const vb = utf8Size(value);
      if (kb < 0 || vb < 0) return -1;
      const entry = delimitedSize(kb) + delimitedSize(vb);
      tape.varint(tag);
      tape.varint(entry);
      tape.varint(ENTRY_KEY);
      tape.string(k, kb);
      tape.varint(ENTRY_VALUE);
      tape.string(value, vb);
      size += delimitedSize(entry);
    }
    return size;
  }
}

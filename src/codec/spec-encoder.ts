import type { ResourceKind } from '../model/istio.js';
import { protoTypes } from './proto.js';
import { delimitedSize, utf8Size, varintSize, WireTape } from './wire-tape.js';

/**
 * A hand-written encoder of the ServiceEntry and WorkloadEntry bodies
 * (istio.networking.v1alpha3) that writes the bytes protobufjs'
 * `encode(fromObject(spec))` writes: fields by number, map entries in
 * `Object.keys` order with key and value always present, proto3 defaults
 * (0, "", enum 0) left out, repeated strings and messages unpacked.
 *
 * It covers exactly the shapes src/model/istio.ts allows, with every value of
 * its declared type (strings without lone surrogates, integers 0 .. 2^32-1,
 * enum names the proto files define, plain objects). Anything else (another
 * field, a number as a string, an unknown enum name) makes `plan` return -1,
 * and the caller encodes with protobufjs instead, so the bytes never differ.
 *
 * `plan` reads the spec once, checks it and records the bytes to write on a
 * tape (wire-tape.ts); `write` replays the tape into the caller's buffer.
 */

/**
 * Thrown inside `plan` when the input is not one the hand encoder
 * covers; `plan` catches it (and only it). One instance: no stack to capture.
 */
const NOT_COVERED = new Error('input not covered by the hand-written encoder');

function notCovered(): never {
  throw NOT_COVERED;
}

type Rec = Record<string, unknown>;

const SERVICE_ENTRY_FIELDS = new Set([
  'hosts',
  'addresses',
  'ports',
  'location',
  'resolution',
  'endpoints',
  'exportTo',
  'subjectAltNames',
  'workloadSelector',
]);
const SERVICE_PORT_FIELDS = new Set(['number', 'protocol', 'name', 'targetPort']);
const WORKLOAD_ENTRY_FIELDS = new Set([
  'address',
  'ports',
  'labels',
  'network',
  'locality',
  'weight',
  'serviceAccount',
]);
const WORKLOAD_SELECTOR_FIELDS = new Set(['labels']);

// Tags: (field number << 3) | wire type (0 varint, 2 length-delimited).
const SE_HOSTS = 0x0a;
const SE_ADDRESSES = 0x12;
const SE_PORTS = 0x1a;
const SE_LOCATION = 0x20;
const SE_RESOLUTION = 0x28;
const SE_ENDPOINTS = 0x32;
const SE_EXPORT_TO = 0x3a;
const SE_SUBJECT_ALT_NAMES = 0x42;
const SE_WORKLOAD_SELECTOR = 0x4a;
const PORT_NUMBER = 0x08;
const PORT_PROTOCOL = 0x12;
const PORT_NAME = 0x1a;
const PORT_TARGET_PORT = 0x20;
const WE_ADDRESS = 0x0a;
const WE_PORTS = 0x12;
const WE_LABELS = 0x1a;
const WE_NETWORK = 0x22;
const WE_LOCALITY = 0x2a;
const WE_WEIGHT = 0x30;
const WE_SERVICE_ACCOUNT = 0x3a;
const SELECTOR_LABELS = 0x0a;
const ENTRY_KEY = 0x0a;
const ENTRY_VARINT_VALUE = 0x10;
const ENTRY_STRING_VALUE = 0x12;

interface EnumNumbers {
  readonly location: ReadonlyMap<string, number>;
  readonly resolution: ReadonlyMap<string, number>;
}

/** Enum names to numbers, as the proto files protobufjs loaded define them. */
function readEnums(): EnumNumbers {
  const root = protoTypes().root;
  const values = (name: string): Map<string, number> => new Map(Object.entries(root.lookupEnum(name).values));
  return {
    location: values('istio.networking.v1alpha3.ServiceEntry.Location'),
    resolution: values('istio.networking.v1alpha3.ServiceEntry.Resolution'),
  };
}

const absent = (v: unknown): v is undefined | null => v === undefined || v === null;

/** `v` as a plain object whose every enumerable key is one of `fields`; otherwise not covered. */
function record(v: unknown, fields: ReadonlySet<string>): Rec {
  if (!isPlainObject(v)) notCovered();
  for (const k in v) if (!fields.has(k)) notCovered();
  return v;
}

function isPlainObject(v: unknown): v is Rec {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function isUint32(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
}

/** Byte size of `s` in UTF-8; a string with a lone surrogate is not covered. */
function stringSize(s: string): number {
  const b = utf8Size(s);
  return b < 0 ? notCovered() : b;
}

export class SpecEncoder {
  private readonly tape = new WireTape();
  private size = -1;
  private enumNumbers: EnumNumbers | undefined;

  /**
   * The size of the body's bytes, or -1 when the hand encoder does not cover
   * this input. Until the next `plan`, `write` writes those bytes (the spec
   * is not read again).
   */
  plan(kind: ResourceKind, spec: unknown): number {
    this.tape.reset();
    this.size = -1;
    try {
      if (kind === 'ServiceEntry') this.size = this.serviceEntry(spec);
      else if (kind === 'WorkloadEntry') this.size = this.workloadEntry(spec);
    } catch (e) {
      if (e !== NOT_COVERED) throw e;
    }
    return this.size;
  }

  /** Writes the planned body at `offset` (the buffer has room for the planned size there). */
  write(buf: Buffer, offset: number): void {
    if (this.size < 0) throw new Error('SpecEncoder.write without a covered plan');
    if (this.tape.writeTo(buf, offset) !== offset + this.size)
      throw new Error('body size differs from the plan');
  }

  /** The body's bytes in a buffer of their own, or undefined when not covered. */
  encode(kind: ResourceKind, spec: unknown): Buffer | undefined {
    const size = this.plan(kind, spec);
    if (size < 0) return undefined;
    const out = Buffer.allocUnsafe(size);
    this.write(out, 0);
    return out;
  }

  private enums(): EnumNumbers {
    return (this.enumNumbers ??= readEnums());
  }

  // Each method below reads its part of the spec once, puts its bytes on the
  // tape in field order, and returns their size; it throws NOT_COVERED on
  // anything outside the model's types.

  private serviceEntry(v: unknown): number {
    const se = record(v, SERVICE_ENTRY_FIELDS);
    const { location, resolution } = this.enums();
    // Left to right, in field order: the tape is written in the order of the calls.
    return (
      this.strings(SE_HOSTS, se['hosts']) +
      this.strings(SE_ADDRESSES, se['addresses']) +
      this.ports(se['ports']) +
      this.enumField(SE_LOCATION, se['location'], location) +
      this.enumField(SE_RESOLUTION, se['resolution'], resolution) +
      this.endpoints(se['endpoints']) +
      this.strings(SE_EXPORT_TO, se['exportTo']) +
      this.strings(SE_SUBJECT_ALT_NAMES, se['subjectAltNames']) +
      this.selector(se['workloadSelector'])
    );
  }

  /** Repeated string: one field per element, empty strings included. */
  private strings(tag: number, v: unknown): number {
    if (absent(v)) return 0;
    if (!Array.isArray(v)) notCovered();
    let size = 0;
    for (let i = 0; i < v.length; i++) {
      const s: unknown = v[i];
      if (typeof s !== 'string') notCovered();
      const b = stringSize(s);
      this.tape.varint(tag);
      this.tape.string(s, b);
      size += delimitedSize(b);
    }
    return size;
  }

  /** A singular string: left out when empty. */
  private string(tag: number, v: unknown): number {
    if (absent(v)) return 0;
    if (typeof v !== 'string') notCovered();
    if (v === '') return 0;
    const b = stringSize(v);
    this.tape.varint(tag);
    this.tape.string(v, b);
    return delimitedSize(b);
  }

  /** A singular uint32: left out when 0. */
  private uint32(tag: number, v: unknown): number {
    if (absent(v)) return 0;
    if (!isUint32(v)) notCovered();
    if (v === 0) return 0;
    this.tape.varint(tag);
    this.tape.varint(v);
    return 1 + varintSize(v);
  }

  /** An enum given by name: left out when its number is 0. */
  private enumField(tag: number, v: unknown, numbers: ReadonlyMap<string, number>): number {
    if (absent(v)) return 0;
    if (typeof v !== 'string') notCovered();
    const n = numbers.get(v);
    if (n === undefined || !isUint32(n)) notCovered();
    if (n === 0) return 0;
    this.tape.varint(tag);
    this.tape.varint(n);
    return 1 + varintSize(n);
  }

  /** Opens a nested message field; `close` gives its size once its fields are on the tape. */
  private open(tag: number): number {
    this.tape.varint(tag);
    return this.tape.reserve();
  }

  private close(slot: number, inner: number): number {
    this.tape.set(slot, inner);
    return delimitedSize(inner);
  }

  private ports(v: unknown): number {
    if (absent(v)) return 0;
    if (!Array.isArray(v)) notCovered();
    let size = 0;
    for (let i = 0; i < v.length; i++) {
      const p = record(v[i], SERVICE_PORT_FIELDS);
      const slot = this.open(SE_PORTS);
      const inner =
        this.uint32(PORT_NUMBER, p['number']) +
        this.string(PORT_PROTOCOL, p['protocol']) +
        this.string(PORT_NAME, p['name']) +
        this.uint32(PORT_TARGET_PORT, p['targetPort']);
      size += this.close(slot, inner);
    }
    return size;
  }

  private endpoints(v: unknown): number {
    if (absent(v)) return 0;
    if (!Array.isArray(v)) notCovered();
    let size = 0;
    for (let i = 0; i < v.length; i++) {
      const slot = this.open(SE_ENDPOINTS);
      size += this.close(slot, this.workloadEntry(v[i]));
    }
    return size;
  }

  private selector(v: unknown): number {
    if (absent(v)) return 0;
    const selector = record(v, WORKLOAD_SELECTOR_FIELDS);
    const slot = this.open(SE_WORKLOAD_SELECTOR);
    return this.close(slot, this.stringMap(SELECTOR_LABELS, selector['labels']));
  }

  private workloadEntry(v: unknown): number {
    const we = record(v, WORKLOAD_ENTRY_FIELDS);
    return (
      this.string(WE_ADDRESS, we['address']) +
      this.uint32Map(WE_PORTS, we['ports']) +
      this.stringMap(WE_LABELS, we['labels']) +
      this.string(WE_NETWORK, we['network']) +
      this.string(WE_LOCALITY, we['locality']) +
      this.uint32(WE_WEIGHT, we['weight']) +
      this.string(WE_SERVICE_ACCOUNT, we['serviceAccount'])
    );
  }

  /** map<string, uint32>: one entry message per key, key and value always written. */
  private uint32Map(tag: number, v: unknown): number {
    if (absent(v)) return 0;
    if (!isPlainObject(v)) notCovered();
    let size = 0;
    for (const k of Object.keys(v)) {
      const value = v[k];
      if (!isUint32(value)) notCovered();
      const kb = stringSize(k);
      const entry = delimitedSize(kb) + 1 + varintSize(value);
      this.tape.varint(tag);
      this.tape.varint(entry);
      this.tape.varint(ENTRY_KEY);
      this.tape.string(k, kb);
      this.tape.varint(ENTRY_VARINT_VALUE);
      this.tape.varint(value);
      size += delimitedSize(entry);
    }
    return size;
  }

  /** map<string, string>: one entry message per key, key and value always written. */
  private stringMap(tag: number, v: unknown): number {
    if (absent(v)) return 0;
    if (!isPlainObject(v)) notCovered();
    let size = 0;
    for (const k of Object.keys(v)) {
      const value = v[k];
      if (typeof value !== 'string') notCovered();
      const kb = stringSize(k);
      const vb = stringSize(value);
      const entry = delimitedSize(kb) + delimitedSize(vb);
      this.tape.varint(tag);
      this.tape.varint(entry);
      this.tape.varint(ENTRY_KEY);
      this.tape.string(k, kb);
      this.tape.varint(ENTRY_STRING_VALUE);
      this.tape.string(value, vb);
      size += delimitedSize(entry);
    }
    return size;
  }
}

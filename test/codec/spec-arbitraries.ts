/**
 * fast-check arbitraries for what the codec encodes: ServiceEntry and
 * WorkloadEntry specs of the model's types (src/model/istio.ts), label and
 * annotation records, resource names. Plausible values mixed with odd ones
 * the types still allow: empty strings, any Unicode (astral included),
 * Object.prototype member names and integer-like map keys, uint32 edges up to
 * 2^32-1, empty and large maps, zero ports, every enum value the proto
 * defines, optional fields absent.
 */
import fc from 'fast-check';
import type { ServiceEntrySpec, WorkloadEntrySpec } from '../../src/model/istio.js';

/** Well-formed strings (no lone surrogates): what the hand encoder covers. */
export const text: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 2, arbitrary: fc.constantFrom('', 'http', 'DNS', '10.0.0.1', 'region-1/zone-0', 'spiffe://x/y') },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 10 }) },
  // Around the protobuf writer's short/long string paths and the one/two-byte length prefix.
  { weight: 1, arbitrary: fc.integer({ min: 35, max: 300 }).map((n) => 'é'.repeat(n >> 1) + 'a'.repeat(n)) },
);

/** Map keys: any text, plus Object.prototype names and integer-like keys (which Object.keys puts first). */
export const mapKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: text },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      '0',
      '1',
      '2',
      '10',
      '01',
      '4294967295',
    ),
  },
);

/** uint32 values at the edges of each varint length (1 to 5 bytes) and of the int32 sign. */
export const UINT32_EDGES = [
  0,
  1,
  127,
  128,
  16383,
  16384,
  2 ** 21 - 1,
  2 ** 21,
  2 ** 28 - 1,
  2 ** 28,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32 - 1,
];

/** 0 .. 2^32-1, with the varint length edges. */
export const uint32: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 65535 }) },
  { weight: 2, arbitrary: fc.constantFrom(...UINT32_EDGES) },
  { weight: 1, arbitrary: fc.tuple(fc.nat(0xffff), fc.nat(0xffff)).map(([hi, lo]) => hi * 0x10000 + lo) },
);

export const stringMap = (maxKeys: number): fc.Arbitrary<Record<string, string>> =>
  fc.dictionary(mapKey, text, { maxKeys });

const uint32Map: fc.Arbitrary<Record<string, number>> = fc.dictionary(mapKey, uint32, { maxKeys: 6 });

/** Every name the proto files define (DYNAMIC_DNS too, which the model type leaves out). */
export const LOCATIONS = ['MESH_EXTERNAL', 'MESH_INTERNAL'] as const;
export const RESOLUTIONS = ['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN', 'DYNAMIC_DNS'] as const;

export const workloadEntrySpec: fc.Arbitrary<WorkloadEntrySpec> = fc.record(
  {
    address: text,
    ports: uint32Map,
    labels: stringMap(8),
    network: text,
    locality: text,
    weight: uint32,
    serviceAccount: text,
  },
  { requiredKeys: [] },
) as fc.Arbitrary<WorkloadEntrySpec>;

const servicePort = fc.record(
  { number: uint32, protocol: text, name: text, targetPort: uint32 },
  { requiredKeys: [] },
);

export const serviceEntrySpec: fc.Arbitrary<ServiceEntrySpec> = fc.record(
  {
    hosts: fc.array(text, { maxLength: 4 }),
    addresses: fc.array(text, { maxLength: 3 }),
    ports: fc.array(servicePort, { maxLength: 4 }),
    location: fc.constantFrom(...LOCATIONS),
    resolution: fc.constantFrom(...RESOLUTIONS),
    endpoints: fc.array(workloadEntrySpec, { maxLength: 6 }),
    exportTo: fc.array(text, { maxLength: 3 }),
    subjectAltNames: fc.array(text, { maxLength: 3 }),
    workloadSelector: fc.record({ labels: stringMap(8) }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
) as fc.Arbitrary<ServiceEntrySpec>;

/** Label or annotation records: mostly small, sometimes many entries. */
export const metadataRecord: fc.Arbitrary<Record<string, string>> = fc.oneof(
  { weight: 4, arbitrary: stringMap(6) },
  { weight: 1, arbitrary: fc.dictionary(mapKey, text, { minKeys: 20, maxKeys: 120 }) },
);

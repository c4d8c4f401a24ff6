/**
 * The hand-written body encoder against protobufjs: for specs of the model's
 * types it must cover the input and write the same bytes as
 * `encode(fromObject(spec))`; for anything else it must decline (and never
 * write different bytes). PROPERTY_RUNS overrides the case count,
 * PROPERTY_SEED replays a failure.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { SpecEncoder } from '../../src/codec/spec-encoder.js';
import type { ResourceKind, ServiceEntrySpec } from '../../src/model/istio.js';
import { referenceBody } from './protobufjs-reference.js';
import { LOCATIONS, RESOLUTIONS, serviceEntrySpec, workloadEntrySpec } from './spec-arbitraries.js';

const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 2_000);
const SEED = process.env['PROPERTY_SEED'] === undefined ? undefined : Number(process.env['PROPERTY_SEED']);
const params = { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) };

const encoder = new SpecEncoder();

function assertSameAsProtobufjs(kind: ResourceKind, spec: unknown): void {
  const hand = encoder.encode(kind, spec);
  assert.ok(hand, `the hand encoder declined a ${kind} of the model's types: ${JSON.stringify(spec)}`);
  assert.deepEqual(hand.toString('hex'), referenceBody(kind, spec).toString('hex'));
}

/** The hand encoder either declines, or writes what protobufjs writes (and declines where protobufjs throws). */
function assertNeverDiffers(kind: ResourceKind, spec: unknown): void {
  const hand = encoder.encode(kind, spec);
  if (hand === undefined) return;
  let reference: Buffer;
  try {
    reference = referenceBody(kind, spec);
  } catch (e) {
    assert.fail(`protobufjs refuses this input (${String(e)}) but the hand encoder wrote bytes`);
  }
  assert.deepEqual(hand.toString('hex'), reference.toString('hex'));
}

/** ['<hole>', 'a']: the first element was never set. */
const sparseHosts: string[] = [];
sparseHosts[1] = 'a';

const base: ServiceEntrySpec = {
  hosts: ['a.ns'],
  ports: [{ number: 80, protocol: 'HTTP', name: 'http-80' }],
  location: 'MESH_INTERNAL',
  resolution: 'STATIC',
  endpoints: [{ address: '10.0.0.1', ports: { 'http-80': 8080 }, labels: { v: '1' } }],
};

describe('SpecEncoder', () => {
  test('writes the bytes protobufjs writes for any ServiceEntry spec of the model types', () => {
    fc.assert(
      fc.property(serviceEntrySpec, (spec) => assertSameAsProtobufjs('ServiceEntry', spec)),
      params,
    );
  });

  test('writes the bytes protobufjs writes for any WorkloadEntry spec of the model types', () => {
    fc.assert(
      fc.property(workloadEntrySpec, (spec) => assertSameAsProtobufjs('WorkloadEntry', spec)),
      params,
    );
  });

  test('writes every enum value with the number the proto file gives it (0 left out)', () => {
    for (const location of LOCATIONS) {
      for (const resolution of RESOLUTIONS) {
        assertSameAsProtobufjs('ServiceEntry', { ...base, location, resolution });
      }
    }
  });

  test('writes empty specs, empty maps, zero ports and explicit undefined or null fields as protobufjs does', () => {
    const cases: [ResourceKind, unknown][] = [
      ['ServiceEntry', {}],
      [
        'ServiceEntry',
        { hosts: [], ports: [], endpoints: [], location: 'MESH_EXTERNAL', resolution: 'NONE' },
      ],
      ['ServiceEntry', { ...base, workloadSelector: {} }],
      ['ServiceEntry', { ...base, workloadSelector: { labels: {} } }],
      ['ServiceEntry', { ...base, ports: [{ number: 0, protocol: '', name: '' }], hosts: ['', ''] }],
      [
        'ServiceEntry',
        { ...base, ports: [{ number: 80, protocol: 'TCP', name: 'p', targetPort: undefined }] },
      ],
      ['ServiceEntry', { ...base, addresses: null, exportTo: undefined, workloadSelector: null }],
      ['WorkloadEntry', {}],
      ['WorkloadEntry', { address: '', ports: {}, labels: {}, weight: 0 }],
      [
        'WorkloadEntry',
        { address: 'x', ports: { a: 0, b: 2 ** 32 - 1 }, labels: { '': '' }, weight: 2 ** 32 - 1 },
      ],
      ['WorkloadEntry', { address: 'x', network: null, locality: undefined, serviceAccount: '' }],
      ['WorkloadEntry', { address: '\u{1f600}é', labels: { b: '2', 10: 'ten', a: '1', 2: 'two' } }],
      ['WorkloadEntry', { address: 'x', labels: Object.fromEntries([['__proto__', 'p']]) }],
      ['WorkloadEntry', Object.assign(Object.create(null) as object, { address: 'null-prototype' })],
    ];
    for (const [kind, spec] of cases) assertSameAsProtobufjs(kind, spec);
  });

  test('declines what it does not cover: unknown fields, unknown enum names, values of other types, lone surrogates, other kinds', () => {
    const declined: [string, ResourceKind, unknown][] = [
      ['unknown field on the spec', 'ServiceEntry', { ...base, subsets: [] }],
      [
        'unknown field on a port',
        'ServiceEntry',
        { ...base, ports: [{ number: 80, protocol: 'HTTP', name: 'h', x: 1 }] },
      ],
      ['unknown field on an endpoint', 'ServiceEntry', { ...base, endpoints: [{ address: 'a', zone: 'z' }] }],
      [
        'unknown field on the selector',
        'ServiceEntry',
        { ...base, workloadSelector: { labels: {}, match: 1 } },
      ],
      ['unknown field on a WorkloadEntry', 'WorkloadEntry', { address: 'a', extra: true }],
      ['unknown location', 'ServiceEntry', { ...base, location: 'MESH_SOMEWHERE' }],
      ['unknown resolution', 'ServiceEntry', { ...base, resolution: 'dns' }],
      ['enum as a number', 'ServiceEntry', { ...base, resolution: 2 }],
      [
        'port number as a string',
        'ServiceEntry',
        { ...base, ports: [{ number: '80', protocol: 'HTTP', name: 'h' }] },
      ],
      ['negative port', 'ServiceEntry', { ...base, ports: [{ number: -1, protocol: 'HTTP', name: 'h' }] }],
      ['fractional weight', 'WorkloadEntry', { address: 'a', weight: 1.5 }],
      ['weight above uint32', 'WorkloadEntry', { address: 'a', weight: 2 ** 32 }],
      ['port map value NaN', 'WorkloadEntry', { address: 'a', ports: { p: NaN } }],
      ['label value a number', 'WorkloadEntry', { address: 'a', labels: { v: 1 } }],
      ['host a number', 'ServiceEntry', { ...base, hosts: [1] }],
      ['hosts not an array', 'ServiceEntry', { ...base, hosts: 'a.ns' }],
      ['sparse hosts', 'ServiceEntry', { ...base, hosts: sparseHosts }],
      ['labels a Map', 'WorkloadEntry', { address: 'a', labels: new Map([['v', '1']]) }],
      ['labels an array', 'WorkloadEntry', { address: 'a', labels: ['v'] }],
      ['lone surrogate in a host', 'ServiceEntry', { ...base, hosts: ['a\ud800.ns'] }],
      ['lone surrogate in a label key', 'WorkloadEntry', { address: 'a', labels: { '\udc00': 'v' } }],
      ['spec not a plain object', 'ServiceEntry', new (class Spec {})()],
      ['spec null', 'WorkloadEntry', null],
      ['another kind', 'Sidecar' as ResourceKind, { hosts: [] }],
    ];
    for (const [what, kind, spec] of declined) {
      assert.equal(encoder.plan(kind, spec), -1, what);
      assert.equal(encoder.encode(kind, spec), undefined, what);
    }
  });

  test('never writes other bytes than protobufjs for odd inputs (it declines instead)', () => {
    const odd = fc.oneof(
      fc.anything(),
      fc.string({ unit: 'binary' }),
      fc.double(),
      fc.constantFrom(null, undefined),
    );
    const field = fc.constantFrom(
      'hosts',
      'addresses',
      'ports',
      'location',
      'resolution',
      'endpoints',
      'exportTo',
      'subjectAltNames',
      'workloadSelector',
      'unknownField',
    );
    fc.assert(
      fc.property(serviceEntrySpec, field, odd, (spec, key, value) => {
        assertNeverDiffers('ServiceEntry', { ...spec, [key]: value });
      }),
      params,
    );
    const weField = fc.constantFrom(
      'address',
      'ports',
      'labels',
      'network',
      'locality',
      'weight',
      'serviceAccount',
      'x',
    );
    fc.assert(
      fc.property(workloadEntrySpec, weField, odd, (spec, key, value) => {
        assertNeverDiffers('WorkloadEntry', { ...spec, [key]: value });
        assertNeverDiffers('WorkloadEntry', { ...spec, labels: { ...(spec.labels ?? {}), [key]: value } });
        assertNeverDiffers('WorkloadEntry', { ...spec, ports: { ...(spec.ports ?? {}), [key]: value } });
      }),
      params,
    );
  });

  test('reads the spec once, in plan: a change made before write does not reach the bytes', () => {
    const spec = { address: '10.0.0.1', labels: { app: 'a' }, weight: 3 };
    const planned = referenceBody('WorkloadEntry', spec);
    const size = encoder.plan('WorkloadEntry', spec);
    spec.address = '10.0.0.222';
    spec.labels.app = 'changed';
    spec.weight = 70000;
    const out = Buffer.alloc(size);
    encoder.write(out, 0);
    assert.equal(out.toString('hex'), planned.toString('hex'));
  });
});

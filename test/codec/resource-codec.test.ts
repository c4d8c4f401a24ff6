/**
 * encodeResource with the hand-written encoders keeps the bytes and versions
 * of the protobufjs path: for random resources of both kinds, for converter
 * output, and (through the protobufjs fallback) for input the hand encoders
 * do not cover. Two resources are pinned to the version and bytes the
 * protobufjs-only codec gave them, so stored versions do not move.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { bodyTypeUrl } from '../../src/codec/kinds.js';
import {
  encodeResource,
  encodeResourceWithProtobufjs,
  type EncodedResource,
} from '../../src/codec/resource-codec.js';
import { convertService } from '../../src/convert/service-entry.js';
import type { IstioResource, ServiceEntryResource, WorkloadEntryResource } from '../../src/model/istio.js';
import { benchService } from '../../bench/support/bench-services.js';
import { referenceBody, referenceSotwField } from './protobufjs-reference.js';
import { metadataRecord, serviceEntrySpec, text, workloadEntrySpec } from './spec-arbitraries.js';

const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 1_000);
const SEED = process.env['PROPERTY_SEED'] === undefined ? undefined : Number(process.env['PROPERTY_SEED']);
const params = { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) };

/** The version as the protobufjs-only codec computed it: sha256 of kind, key, labels, annotations and body bytes. */
function referenceVersion(r: IstioResource): string {
  const key = `${r.namespace}/${r.name}`;
  return createHash('sha256')
    .update(`${r.kind}\0${key}\0${JSON.stringify(r.labels)}\0${JSON.stringify(r.annotations)}\0`)
    .update(referenceBody(r.kind, r.spec))
    .digest('hex')
    .slice(0, 20);
}

function assertAsProtobufjs(r: IstioResource, e: EncodedResource): void {
  const version = referenceVersion(r);
  assert.equal(e.version, version);
  assert.equal(e.key, `${r.namespace}/${r.name}`);
  const expected = referenceSotwField({
    name: e.key,
    labels: r.labels,
    annotations: r.annotations,
    bodyTypeUrl: bodyTypeUrl(r.kind),
    version,
    body: referenceBody(r.kind, r.spec),
  });
  assert.equal(e.sotwField.toString('hex'), expected.toString('hex'));
  // `any` is the field's tail, and the field owns its memory (no pool slab pinned).
  assert.equal(e.any.buffer, e.sotwField.buffer);
  assert.equal(e.any.byteOffset + e.any.length, e.sotwField.byteOffset + e.sotwField.length);
  assert.equal(e.sotwField.buffer.byteLength, e.sotwField.length);
}

const resource: fc.Arbitrary<IstioResource> = fc.oneof(
  fc
    .record({
      namespace: text,
      name: text,
      labels: metadataRecord,
      annotations: metadataRecord,
      spec: serviceEntrySpec,
    })
    .map((r): ServiceEntryResource => ({ kind: 'ServiceEntry', ...r })),
  fc
    .record({
      namespace: text,
      name: text,
      labels: metadataRecord,
      annotations: metadataRecord,
      spec: workloadEntrySpec,
    })
    .map((r): WorkloadEntryResource => ({ kind: 'WorkloadEntry', ...r })),
);

const cart: ServiceEntryResource = {
  kind: 'ServiceEntry',
  namespace: 'shop',
  name: 'cart',
  labels: { 'app.kubernetes.io/managed-by': 'registry-bridge', 'registry-bridge/registry': 'consul' },
  annotations: { 'registry-bridge/original-name': 'Cart', 'registry-bridge/registry-type': 'consul' },
  spec: {
    hosts: ['cart.shop'],
    ports: [{ number: 8080, protocol: 'HTTP', name: 'http-8080' }],
    location: 'MESH_INTERNAL',
    resolution: 'STATIC',
    endpoints: [
      {
        address: '10.0.0.1',
        ports: { 'http-8080': 8080 },
        labels: { version: 'v1' },
        locality: 'eu/z1',
        weight: 2,
      },
      { address: '10.0.0.2', ports: { 'http-8080': 18080 }, network: 'n1', serviceAccount: 'sa' },
    ],
  },
};

const cartEndpoint: WorkloadEntryResource = {
  kind: 'WorkloadEntry',
  namespace: 'shop',
  name: 'cart-10-0-0-1',
  labels: { 'app.kubernetes.io/managed-by': 'registry-bridge' },
  annotations: {},
  spec: {
    address: '10.0.0.1',
    ports: { 'http-8080': 8080 },
    labels: { 'registry-bridge/service': 'cart', version: 'v1' },
  },
};

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('encodeResource', () => {
  test('gives the bytes and version of the protobufjs path for any resource of the model types', () => {
    fc.assert(
      fc.property(resource, (r) => assertAsProtobufjs(r, encodeResource(r))),
      params,
    );
  });

  test('gives the bytes and version of the protobufjs path for converter output in both modes', () => {
    for (const mode of ['serviceentry', 'workloadentry'] as const) {
      for (let i = 0; i < 300; i++) {
        const { resources } = convertService(benchService(i, i), {
          registryName: 'bench',
          registryType: 'file',
          namespace: 'default',
          mode,
        });
        for (const r of resources) {
          const e = encodeResource(r);
          const p = encodeResourceWithProtobufjs(r);
          assert.equal(e.version, p.version);
          assert.equal(e.sotwField.toString('hex'), p.sotwField.toString('hex'));
          assert.equal(e.any.toString('hex'), p.any.toString('hex'));
        }
      }
    }
  });

  test('keeps the versions and bytes the protobufjs-only codec gave two pinned resources', () => {
    const se = encodeResource(cart);
    assert.equal(se.version, '02317bcdf73fdbde9146');
    assert.equal(sha256(se.sotwField), 'f025a7b380c1e3ee828163a2605cfbcfaf249dcc6a9616b5c0ec576ab9cb6405');
    const we = encodeResource(cartEndpoint);
    assert.equal(we.version, '41549b67d182ed817120');
    assert.equal(sha256(we.sotwField), 'ab20f715b4598ae05c018872d5298d9c67aa6d159178faedcb9c54ba869bce34');
  });

  test('falls back to protobufjs for an unknown field, an unknown enum name or a non-string label, with the same bytes', () => {
    const odd: IstioResource[] = [
      { ...cart, spec: { ...cart.spec, subsets: [{ name: 'v1' }] } as ServiceEntryResource['spec'] },
      { ...cart, spec: { ...cart.spec, resolution: 'SOMETIMES' } as unknown as ServiceEntryResource['spec'] },
      {
        ...cart,
        spec: {
          ...cart.spec,
          ports: [{ number: '80', protocol: 'HTTP', name: 'h' }],
        } as unknown as ServiceEntryResource['spec'],
      },
      { ...cartEndpoint, spec: { ...cartEndpoint.spec, weight: -3 } },
      { ...cartEndpoint, labels: { version: 2 } as unknown as Record<string, string> },
      { ...cartEndpoint, annotations: { note: 'lone \ud800' } },
    ];
    for (const r of odd) assertAsProtobufjs(r, encodeResource(r));
  });
});

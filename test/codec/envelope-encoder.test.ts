/**
 * The hand-written envelope encoder against protobufjs: the SotW `resources`
 * field (Any of an istio.mcp.v1alpha1.Resource around a body) must be the
 * bytes protobufjs and the framing helpers write, for any name, labels,
 * annotations, version and body; what it does not cover it must decline.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { EnvelopeEncoder } from '../../src/codec/envelope-encoder.js';
import { bodyTypeUrl } from '../../src/codec/kinds.js';
import { MCP_RESOURCE_TYPE } from '../../src/codec/type-urls.js';
import { referenceSotwField, type EnvelopeFields } from './protobufjs-reference.js';
import { metadataRecord, text } from './spec-arbitraries.js';

const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 2_000);
const SEED = process.env['PROPERTY_SEED'] === undefined ? undefined : Number(process.env['PROPERTY_SEED']);
const params = { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) };

const encoder = new EnvelopeEncoder();

function handField(f: EnvelopeFields): Buffer | undefined {
  return encoder.encode(
    {
      resourceTypeUrl: MCP_RESOURCE_TYPE,
      name: f.name,
      labels: f.labels as Record<string, string>,
      annotations: f.annotations as Record<string, string>,
      bodyTypeUrl: f.bodyTypeUrl,
    },
    f.version,
    f.body,
  );
}

const fields: fc.Arbitrary<EnvelopeFields> = fc.record({
  name: fc.oneof(
    text,
    fc.tuple(text, text).map(([ns, n]) => `${ns}/${n}`),
  ),
  labels: metadataRecord,
  annotations: metadataRecord,
  bodyTypeUrl: fc.constantFrom(bodyTypeUrl('ServiceEntry'), bodyTypeUrl('WorkloadEntry')),
  version: fc.oneof(fc.stringMatching(/^[0-9a-f]{20}$/), fc.string({ unit: 'binary-ascii', maxLength: 200 })),
  body: fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    fc.integer({ min: 0, max: 20_000 }).map((n) => new Uint8Array(n).fill(7)),
  ),
});

describe('EnvelopeEncoder', () => {
  test('writes the bytes protobufjs and the Any framing write, for any name, metadata, version and body', () => {
    fc.assert(
      fc.property(fields, (f) => {
        const hand = handField(f);
        assert.ok(hand, 'the hand encoder declined plain string records');
        assert.equal(hand.toString('hex'), referenceSotwField(f).toString('hex'));
      }),
      params,
    );
  });

  test('leaves out an empty body, name and version as protobufjs does', () => {
    const f = {
      name: '',
      labels: {},
      annotations: {},
      bodyTypeUrl: bodyTypeUrl('WorkloadEntry'),
      version: '',
      body: new Uint8Array(0),
    };
    assert.equal(handField(f)!.toString('hex'), referenceSotwField(f).toString('hex'));
  });

  test('keeps the field outside the shared buffer pool and says where the Any starts', () => {
    const body = Buffer.from('0a0161', 'hex');
    const size = encoder.plan({
      resourceTypeUrl: MCP_RESOURCE_TYPE,
      name: 'ns/a',
      labels: { a: 'b' },
      annotations: {},
      bodyTypeUrl: bodyTypeUrl('WorkloadEntry'),
      bodyLength: body.length,
      versionLength: 20,
    });
    const out = Buffer.allocUnsafeSlow(size);
    const anyStart = encoder.write(out, '0123456789abcdef0123');
    out.set(body, size - body.length);
    // The field is tag 2, then the Any's length, then the Any to the end.
    const head = protobuf.Reader.create(out);
    assert.equal(head.uint32(), 0x12);
    assert.equal(head.uint32(), size - anyStart);
    assert.equal(head.pos, anyStart);
    const pooled = encoder.encode(
      { resourceTypeUrl: MCP_RESOURCE_TYPE, name: 'ns/a', labels: {}, annotations: {}, bodyTypeUrl: 'x' },
      'v',
      body,
    )!;
    assert.equal(pooled.buffer.byteLength, pooled.length, 'encode() allocates the field on its own');
  });

  test('declines metadata it does not cover: non-string values, lone surrogates, non-plain records', () => {
    const ok = { name: 'ns/a', labels: { a: 'b' }, annotations: { c: 'd' } };
    const declined: [string, Record<string, unknown>][] = [
      ['label value a number', { ...ok, labels: { a: 1 } }],
      ['annotation value undefined', { ...ok, annotations: { a: undefined } }],
      ['lone surrogate in a label key', { ...ok, labels: { '\ud800': 'x' } }],
      ['lone surrogate in an annotation value', { ...ok, annotations: { a: 'x\udfff' } }],
      ['lone surrogate in the name', { ...ok, name: 'ns/\ud834' }],
      ['labels a Map', { ...ok, labels: new Map([['a', 'b']]) }],
      ['annotations null', { ...ok, annotations: null }],
    ];
    for (const [what, f] of declined) {
      const size = encoder.plan({
        resourceTypeUrl: MCP_RESOURCE_TYPE,
        bodyTypeUrl: bodyTypeUrl('ServiceEntry'),
        bodyLength: 3,
        versionLength: 20,
        ...(f as { name: string; labels: Record<string, string>; annotations: Record<string, string> }),
      });
      assert.equal(size, -1, what);
    }
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { protoTypes } from '../../src/codec/proto.js';
import { wireFields, withoutFields } from './wire-fields.js';

const encode = (nonce: string): Buffer => {
  const t = protoTypes().DiscoveryResponse;
  return Buffer.from(
    t
      .encode(
        t.fromObject({
          versionInfo: 'v1',
          resources: [{ type_url: 'a/b', value: Buffer.from([1, 2, 3]) }],
          typeUrl: 'networking.istio.io/v1/ServiceEntry',
          nonce,
        }),
      )
      .finish(),
  );
};

test('wireFields splits a message into its top-level fields, in wire order, covering every byte', () => {
  const raw = encode('7-1');
  const fields = wireFields(raw);
  assert.deepEqual(
    fields.map((f) => f.field),
    [1, 2, 4, 5],
  );
  assert.ok(Buffer.concat(fields.map((f) => f.bytes)).equals(raw));
});

test('withoutFields leaves out the nonce only: two responses differing in nonce compare equal, others not', () => {
  assert.ok(!encode('1-1').equals(encode('2-9')));
  assert.ok(withoutFields(encode('1-1'), 5).equals(withoutFields(encode('2-9'), 5)));
  assert.ok(
    withoutFields(encode('1-1'), 5).equals(encode('')),
    'the same bytes as a response without a nonce',
  );
  assert.ok(!withoutFields(encode('1-1'), 4).equals(withoutFields(encode('2-9'), 4)));
});

test('wireFields rejects a truncated message', () => {
  const raw = encode('1-1');
  assert.throws(() => wireFields(raw.subarray(0, raw.length - 1)), /runs past the end/);
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { anyField, bytesField, stringField } from '../../src/codec/wire.js';

describe('wire framing', () => {
  test('anyField is the field of an Any{type_url, value}, in one buffer of its own', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 15 }),
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.constant(new Uint8Array(20_000))),
        (n, typeUrl, value) => {
          const any = Buffer.concat([stringField(1, typeUrl), bytesField(2, value)]);
          const { field, anyOffset } = anyField(n, typeUrl, value);
          assert.equal(field.toString('hex'), bytesField(n, any).toString('hex'));
          assert.equal(field.subarray(anyOffset).toString('hex'), any.toString('hex'));
          assert.equal(field.buffer.byteLength, field.length);
        },
      ),
    );
  });
});

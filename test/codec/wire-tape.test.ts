import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { utf8Size, varintSize, WireTape } from '../../src/codec/wire-tape.js';
import { UINT32_EDGES } from './spec-arbitraries.js';

const uint32 = fc.oneof(
  fc.constantFrom(...UINT32_EDGES),
  fc.tuple(fc.nat(0xffff), fc.nat(0xffff)).map(([hi, lo]) => hi * 0x10000 + lo),
);

describe('wire tape', () => {
  test('utf8Size is the UTF-8 byte count of any well-formed string', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.string()),
        (s) => {
          assert.equal(utf8Size(s), Buffer.byteLength(s, 'utf8'));
        },
      ),
    );
  });

  test('utf8Size refuses a string with a lone surrogate (-1)', () => {
    for (const s of [
      '\ud800',
      'a\ud800',
      '\ud800a',
      '\udc00',
      'a\udfffb',
      '\udc00\ud800',
      '\ud83d\ude00\ud83d',
    ]) {
      assert.equal(utf8Size(s), -1, JSON.stringify(s));
    }
    assert.equal(utf8Size('\ud83d\ude00'), 4);
  });

  test('writes varints of the size varintSize gives, as protobufjs reads them', () => {
    fc.assert(
      fc.property(fc.array(uint32, { minLength: 1, maxLength: 20 }), (ns) => {
        const tape = new WireTape();
        for (const n of ns) tape.varint(n);
        const size = ns.reduce((s, n) => s + varintSize(n), 0);
        const buf = Buffer.alloc(size);
        assert.equal(tape.writeTo(buf, 0), size);
        const reader = protobuf.Reader.create(buf);
        for (const n of ns) assert.equal(reader.uint32(), n);
      }),
    );
  });

  test('writes strings (short and long, ASCII or not) as their UTF-8 bytes after the length', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ maxLength: 100 }), fc.string({ unit: 'binary', maxLength: 80 })), {
          maxLength: 8,
        }),
        (ss) => {
          const tape = new WireTape();
          const slot = tape.reserve();
          let size = 0;
          for (const s of ss) {
            const b = utf8Size(s);
            tape.string(s, b);
            size += varintSize(b) + b;
          }
          tape.set(slot, size);
          const buf = Buffer.alloc(varintSize(size) + size);
          assert.equal(tape.writeTo(buf, 0), buf.length);
          const reader = protobuf.Reader.create(buf);
          assert.equal(reader.uint32(), size);
          for (const s of ss) assert.equal(reader.string(), s);
        },
      ),
    );
  });

  test('reset starts an empty tape; set replaces a string in place', () => {
    const tape = new WireTape();
    tape.varint(300);
    tape.reset();
    const at = tape.string('xx', 2);
    tape.set(at, 'yz');
    const buf = Buffer.alloc(3);
    assert.equal(tape.writeTo(buf, 0), 3);
    assert.equal(buf.toString('hex'), Buffer.from('\x02yz', 'latin1').toString('hex'));
  });
});

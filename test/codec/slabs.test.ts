import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { joinSlabs, type Slab } from '../../src/codec/slabs.js';

/** A small deterministic generator (the same cases every run). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

const field = (key: string, size: number): Buffer => Buffer.alloc(size, key.charCodeAt(key.length - 1));
const key = (i: number): string => `ns/svc-${String(i).padStart(6, '0')}`;
const joined = (slabs: readonly Slab[]): Buffer => Buffer.concat(slabs.map((s) => s.bytes));

/** The sorted state as the store passes it: keys and each key's current bytes (the slabs' views once joined). */
function current(state: Map<string, Buffer>): { keys: string[]; fields: Buffer[] } {
  const keys = [...state.keys()].sort();
  return { keys, fields: keys.map((k) => state.get(k)!) };
}

/** What the store does after a join: each resource's bytes become its view in the slab. */
function adopt(state: Map<string, Buffer>, keys: readonly string[], slabs: readonly Slab[]): void {
  let at = 0;
  for (const s of slabs) for (const f of s.fields) state.set(keys[at++]!, f);
}

describe('joinSlabs', () => {
  test('a first join holds every byte in order, in slabs of the target size (the last may be smaller)', () => {
    const target = 1000;
    const keys = Array.from({ length: 200 }, (_, i) => key(i));
    const fields = keys.map((k, i) => field(k, 30 + (i % 70)));
    const slabs = joinSlabs(keys, fields, [], target);
    assert.ok(joined(slabs).equals(Buffer.concat(fields)));
    assert.ok(slabs.length > 5, `${slabs.length} slabs`);
    for (const s of slabs.slice(0, -1)) assert.ok(s.bytes.length >= target && s.bytes.length < target + 100);
    let at = 0;
    for (const s of slabs) {
      assert.equal(s.first, keys[at], 'a slab is named by its first key');
      at += s.fields.length;
    }
  });

  test('one changed resource re-joins only the slab that holds it; every other slab is the same object', () => {
    const target = 1000;
    const state = new Map<string, Buffer>();
    for (let i = 0; i < 300; i++) state.set(key(i), field(key(i), 50));
    let { keys, fields } = current(state);
    const first = joinSlabs(keys, fields, [], target);
    adopt(state, keys, first);
    state.set(key(150), field(key(150), 60));
    ({ keys, fields } = current(state));
    const second = joinSlabs(keys, fields, first, target);
    assert.ok(joined(second).equals(Buffer.concat(fields)));
    const fresh = second.filter((s) => !first.includes(s));
    assert.equal(fresh.length, 1, 'one new slab');
    assert.ok(fresh[0]!.fields.length <= 2 * (target / 50) + 1);
    assert.equal(second.length, first.length);
  });

  test('unchanged input reuses every slab', () => {
    const state = new Map<string, Buffer>();
    for (let i = 0; i < 100; i++) state.set(key(i), field(key(i), 40));
    const { keys, fields } = current(state);
    const first = joinSlabs(keys, fields, [], 500);
    adopt(state, keys, first);
    const again = current(state);
    const second = joinSlabs(again.keys, again.fields, first, 500);
    assert.equal(second.length, first.length);
    second.forEach((s, i) => assert.equal(s, first[i]));
  });

  test('over random additions, removals and changes the bytes are always right, slabs stay bounded, and most are reused', () => {
    const next = rng(7);
    const target = 2000;
    const state = new Map<string, Buffer>();
    for (let i = 0; i < 400; i++) state.set(key(i * 3), field(key(i * 3), 20 + Math.floor(next() * 80)));
    let slabs: Slab[] = [];
    let reused = 0;
    let total = 0;
    for (let round = 0; round < 300; round++) {
      const ops = 1 + Math.floor(next() * 3);
      for (let o = 0; o < ops; o++) {
        const k = key(Math.floor(next() * 1300));
        const r = next();
        if (r < 0.35) state.delete(k);
        else state.set(k, field(k, 20 + Math.floor(next() * 80)));
      }
      const { keys, fields } = current(state);
      const before = slabs;
      slabs = joinSlabs(keys, fields, before, target);
      assert.ok(joined(slabs).equals(Buffer.concat(fields)), `round ${round}: bytes`);
      assert.equal(
        slabs.reduce((n, s) => n + s.fields.length, 0),
        keys.length,
        `round ${round}: one field per key`,
      );
      for (const s of slabs)
        assert.ok(s.bytes.length < 2 * target + 100, `round ${round}: slab of ${s.bytes.length}`);
      reused += slabs.filter((s) => before.includes(s)).length;
      total += slabs.length;
      adopt(state, keys, slabs);
    }
    assert.ok(reused / total > 0.6, `reused ${reused} of ${total} slabs`);
  });

  test('keys added one at a time after the last slab grow the last slab instead of each becoming a slab', () => {
    const target = 1000;
    const state = new Map<string, Buffer>();
    let slabs: Slab[] = [];
    for (let i = 0; i < 400; i++) {
      state.set(key(i), field(key(i), 50));
      const { keys, fields } = current(state);
      slabs = joinSlabs(keys, fields, slabs, target);
      assert.ok(joined(slabs).equals(Buffer.concat(fields)));
      adopt(state, keys, slabs);
    }
    // 400 x 50 bytes = 20 slabs of the target size; allow the tail some slack.
    assert.ok(slabs.length <= 24, `${slabs.length} slabs`);
  });

  test('a resource left alone in a slab is copied out of the old slab, which can then be freed', () => {
    const state = new Map<string, Buffer>([
      [key(1), field(key(1), 100)],
      [key(2), field(key(2), 100)],
    ]);
    let { keys, fields } = current(state);
    const first = joinSlabs(keys, fields, [], 1000);
    assert.equal(first.length, 1);
    adopt(state, keys, first);
    state.delete(key(1));
    ({ keys, fields } = current(state));
    const second = joinSlabs(keys, fields, first, 1000);
    assert.ok(joined(second).equals(fields[0]!));
    assert.notEqual(second[0]!.bytes.buffer, first[0]!.bytes.buffer, 'no view into the old slab');
  });

  test('a resource larger than a slab is used as it is, not copied', () => {
    const big = field('x', 5000);
    const slabs = joinSlabs([key(1)], [big], [], 1000);
    assert.equal(slabs[0]!.bytes, big);
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { commonPrefix, commonSuffix, recut, type LastCut } from '../../../src/adapters/file/recut.js';
import { splitServicesBytes, type SplitFile } from '../../../src/adapters/file/split.js';

/** A small deterministic random source (the seed is printed on failure). */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

function service(name: string, v: number, extra: boolean): string[] {
  const lines = [`  - name: ${name}`, '    instances:', `      - { address: 10.0.0.1, port: ${80 + v} }`];
  if (extra) lines.push('    # a comment', '', `    protocol: http`);
  return lines;
}

function doc(services: string[][], tail: string): Buffer {
  return Buffer.from(['# head', 'services:', ...services.flat(), tail].join('\n'));
}

function last(bytes: Buffer): LastCut {
  const split = splitServicesBytes(bytes)!;
  return { bytes: Buffer.from(bytes), cut: split.cut!, rest: split.rest };
}

const view = (s: SplitFile | undefined) =>
  s && { rest: s.rest, pieces: s.chunks.map((c) => [c.line, c.text]) };

describe('recut', () => {
  test('the shared start and end of two buffers are found across block boundaries', () => {
    const r = random(7);
    for (let round = 0; round < 40; round++) {
      const size = Math.floor(r() * 200_000);
      const a = Buffer.alloc(size, 97);
      const b = Buffer.from(a);
      const at = Math.floor(r() * size);
      if (size > 0) b[at] = 98;
      const p = commonPrefix(a, b);
      assert.equal(p, size === 0 ? 0 : at);
      assert.equal(commonSuffix(a, b, size - p), size === 0 ? 0 : size - at - 1);
      const longer = Buffer.concat([a, Buffer.from('xyz')]);
      assert.equal(commonPrefix(a, longer), size);
      assert.equal(commonSuffix(Buffer.from('xyz'), Buffer.from('zz'), 2), 1);
    }
  });

  test('an edit inside the list re-cuts only the pieces around it; the rest are marked the same', () => {
    const services = Array.from({ length: 50 }, (_, i) => service(`s${i}`, i, i % 3 === 0));
    const before = doc(services, 'other: 1\n');
    services[20] = service('s20', 999, true);
    const after = doc(services, 'other: 1\n');
    const got = recut(last(before), after);
    assert.ok(got, 'a middle edit is re-cut, not cut again in full');
    assert.deepEqual(view(got), view(splitServicesBytes(after)));
    const fresh = got.same!.filter((x) => x === undefined).length;
    assert.ok(fresh <= 2, `${fresh} pieces re-cut`);
    assert.equal(got.same![10], 10);
    assert.equal(got.same![40], 40);
  });

  test('random edits: a re-cut is the full cut of the new bytes, and every piece marked the same has the same text', () => {
    const seed = Number(process.env['PROPERTY_SEED'] ?? Date.now() % 1_000_000);
    const r = random(seed);
    let used = 0;
    for (let round = 0; round < 300; round++) {
      const n = 3 + Math.floor(r() * 12);
      const services = Array.from({ length: n }, (_, i) => service(`s${i}`, i, r() < 0.3));
      const tail = r() < 0.5 ? '' : 'other: 1\n';
      const before = doc(services, tail);
      const next = services.map((s) => [...s]);
      const edit = Math.floor(r() * 8);
      const at = Math.floor(r() * n);
      let nextTail = tail;
      if (edit === 0) next[at] = service(`s${at}`, 500 + round, r() < 0.5);
      else if (edit === 1) next.splice(at, 0, service(`new${round}`, 1, false));
      else if (edit === 2) next.splice(at, 1);
      else if (edit === 3)
        next[at]!.push('  - name: split-off'); // a new item inside another
      else if (edit === 4)
        next[at]!.push('other: 2'); // ends the list early
      else if (edit === 5) next[at]!.push('\tbad: tab');
      else if (edit === 6)
        next[at]![0] = `    name: merged${round}`; // the dash line gone: merges into the one before
      else nextTail = 'other: 3\n';
      const after = doc(next, nextTail);
      const got = recut(last(before), after);
      if (got === undefined) continue;
      used++;
      assert.deepEqual(
        view(got),
        view(splitServicesBytes(after)),
        `seed ${seed}, round ${round}, edit ${edit}`,
      );
      const old = splitServicesBytes(before)!;
      got.same!.forEach((was, i) => {
        if (was !== undefined) assert.equal(got.chunks[i]!.text, old.chunks[was]!.text, `seed ${seed}`);
      });
    }
    assert.ok(used > 50, `only ${used} of 300 edits were re-cut (seed ${seed})`);
  });

  test('unchanged bytes: every piece is marked the same', () => {
    const bytes = doc(
      Array.from({ length: 5 }, (_, i) => service(`s${i}`, i, false)),
      '',
    );
    const got = recut(last(bytes), Buffer.from(bytes));
    assert.deepEqual(got?.same, [0, 1, 2, 3, 4]);
  });

  test('edits of the first or last item, or outside the list, are left to a full cut', () => {
    const services = Array.from({ length: 6 }, (_, i) => service(`s${i}`, i, false));
    const before = doc(services, 'other: 1\n');
    const edited = (i: number): Buffer => {
      const next = services.map((s) => [...s]);
      next[i] = service(`s${i}`, 77, false);
      return doc(next, 'other: 1\n');
    };
    assert.equal(recut(last(before), edited(0)), undefined);
    assert.equal(recut(last(before), edited(5)), undefined);
    assert.equal(recut(last(before), doc(services, 'other: 2\n')), undefined);
    assert.equal(recut(last(before), Buffer.from(`# changed\n${before.toString().slice(7)}`)), undefined);
  });
});

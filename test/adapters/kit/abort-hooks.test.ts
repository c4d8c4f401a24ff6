import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { onAbort } from '../../../src/adapters/kit/abort-hooks.js';

describe('kit: abort hooks', () => {
  test('every hook runs once, in the order added, when the signal aborts', () => {
    const ac = new AbortController();
    const calls: number[] = [];
    for (let i = 0; i < 5; i++) onAbort(ac.signal, () => calls.push(i));
    ac.abort();
    ac.abort();
    assert.deepEqual(calls, [0, 1, 2, 3, 4]);
  });

  test('a hook taken back does not run, and taking it back twice is harmless', () => {
    const ac = new AbortController();
    const calls: string[] = [];
    const offA = onAbort(ac.signal, () => calls.push('a'));
    onAbort(ac.signal, () => calls.push('b'));
    offA();
    offA();
    ac.abort();
    assert.deepEqual(calls, ['b']);
  });

  test('the same function added twice runs twice, and taking one back leaves the other', () => {
    const ac = new AbortController();
    let n = 0;
    const fn = (): void => {
      n++;
    };
    const off = onAbort(ac.signal, fn);
    onAbort(ac.signal, fn);
    onAbort(ac.signal, fn);
    off();
    ac.abort();
    assert.equal(n, 2);
  });

  test('a hook taken back by an earlier hook during the abort does not run', () => {
    const ac = new AbortController();
    const calls: string[] = [];
    let offB = (): void => undefined;
    onAbort(ac.signal, () => {
      calls.push('a');
      offB();
    });
    offB = onAbort(ac.signal, () => calls.push('b'));
    onAbort(ac.signal, () => calls.push('c'));
    ac.abort();
    assert.deepEqual(calls, ['a', 'c']);
  });

  test('a hook added after the abort never runs', async () => {
    const ac = new AbortController();
    ac.abort();
    let ran = false;
    onAbort(ac.signal, () => (ran = true))();
    onAbort(ac.signal, () => (ran = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(ran, false);
  });

  test('10,000 hooks on one signal hold one listener on it, so adding one costs the same however many share it', () => {
    const ac = new AbortController();
    const offs: (() => void)[] = [];
    for (let i = 0; i < 10_000; i++) offs.push(onAbort(ac.signal, () => undefined));
    assert.equal(getEventListeners(ac.signal, 'abort').length, 1);
    for (const off of offs) off();
    assert.equal(getEventListeners(ac.signal, 'abort').length, 1);
  });

  test('hooks on different signals are kept apart', () => {
    const a = new AbortController();
    const b = new AbortController();
    const calls: string[] = [];
    onAbort(a.signal, () => calls.push('a'));
    onAbort(b.signal, () => calls.push('b'));
    b.abort();
    assert.deepEqual(calls, ['b']);
    a.abort();
    assert.deepEqual(calls, ['b', 'a']);
  });
});

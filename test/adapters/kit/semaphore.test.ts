import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { AbortedError } from '../../../src/adapters/kit/aborted.js';
import { Semaphore } from '../../../src/adapters/kit/semaphore.js';

describe('kit: bounded-concurrency semaphore', () => {
  test('never exceeds its capacity and serves high before low', async () => {
    const sem = new Semaphore(2);
    const signal = new AbortController().signal;
    const r1 = await sem.acquire('low', signal);
    const r2 = await sem.acquire('low', signal);
    const order: string[] = [];
    const low = sem.acquire('low', signal).then((r) => {
      order.push('low');
      return r;
    });
    const high = sem.acquire('high', signal).then((r) => {
      order.push('high');
      return r;
    });
    assert.equal(sem.inUse, 2);
    assert.equal(sem.waiting, 2);
    r1();
    r1(); // a second release is ignored
    const rh = await high;
    r2();
    const rl = await low;
    assert.deepEqual(order, ['high', 'low']);
    assert.equal(sem.peak, 2);
    rh();
    rl();
    assert.equal(sem.inUse, 0);
  });

  test('a queued acquire rejects when its signal aborts and leaves the queue', async () => {
    const sem = new Semaphore(1);
    const release = await sem.acquire('low', new AbortController().signal);
    const ac = new AbortController();
    const waiting = sem.acquire('high', ac.signal);
    ac.abort();
    await assert.rejects(waiting, AbortedError);
    assert.equal(sem.waiting, 0);
    release();
    assert.equal(sem.inUse, 0);
  });

  test('an acquire with an aborted signal rejects without taking a slot', async () => {
    const sem = new Semaphore(1);
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(sem.acquire('high', ac.signal), AbortedError);
    assert.equal(sem.inUse, 0);
  });

  test('thousands of acquires queued on one signal hold one listener on it, and a grant lets go of its hook', async () => {
    const sem = new Semaphore(1);
    const release = await sem.acquire('low', new AbortController().signal);
    const ac = new AbortController();
    const queued = Array.from({ length: 5000 }, () => sem.acquire('high', ac.signal));
    assert.equal(getEventListeners(ac.signal, 'abort').length, 1);
    release();
    const next = await queued[0]!;
    ac.abort();
    // The granted acquire's hook was taken back: the abort rejects only the 4,999 still queued.
    const settled = await Promise.allSettled(queued);
    assert.equal(settled.filter((s) => s.status === 'rejected').length, 4999);
    assert.equal(sem.waiting, 0);
    next();
    assert.equal(sem.inUse, 0);
  });
});

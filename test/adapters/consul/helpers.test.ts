import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff, delay } from '../../../src/adapters/consul/backoff.js';
import { toDns1123Label as toDnsLabel } from '../../../src/convert/naming.js';
import { Gate } from '../../../src/adapters/consul/gate.js';
import { NameFilter, globToRegExp } from '../../../src/adapters/consul/glob.js';
import { AbortedError, Semaphore, sharedWaitMs } from '../../../src/adapters/consul/semaphore.js';

describe('consul adapter helpers', () => {
  test('globs match * and ? and treat the rest literally', () => {
    assert.ok(globToRegExp('web-*').test('web-frontend'));
    assert.ok(globToRegExp('db?').test('db1'));
    assert.ok(!globToRegExp('db?').test('db12'));
    assert.ok(globToRegExp('a.b').test('a.b'));
    assert.ok(!globToRegExp('a.b').test('axb'));
    assert.ok(globToRegExp('(x)+[y]').test('(x)+[y]'));
  });

  test('exclude patterns win over include patterns', () => {
    const f = new NameFilter(['*'], ['consul', '*-sidecar-proxy']);
    assert.ok(f.matches('web'));
    assert.ok(!f.matches('consul'));
    assert.ok(!f.matches('web-sidecar-proxy'));
  });

  test('back-off doubles up to the maximum and is jittered into [base/2, base]', () => {
    const low = new Backoff(100, 1_000, () => 0);
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map(() => low.next()),
      [50, 100, 200, 400, 500, 500],
    );
    const high = new Backoff(100, 1_000, () => 1);
    assert.deepEqual(
      [1, 2, 3].map(() => high.next()),
      [100, 200, 400],
    );
    high.reset();
    assert.equal(high.next(), 100);
  });

  test('delay resolves false at once when aborted', async () => {
    const ac = new AbortController();
    const started = Date.now();
    const p = delay(60_000, ac.signal);
    ac.abort();
    assert.equal(await p, false);
    const ms = Date.now() - started;
    assert.ok(ms < 10_000, `resolved after ${ms} ms; the delay is 60 s`);
  });

  test('DNS labels: lower case, invalid characters to "-", at most 63 characters', () => {
    assert.equal(toDnsLabel('Web_API.v2'), 'web-api-v2');
    assert.equal(toDnsLabel('web'), 'web');
    assert.match(toDnsLabel('x'.repeat(70)), /^x{54}-[0-9a-f]{8}$/);
    assert.match(toDnsLabel('___'), /^x-[0-9a-f]{8}$/);
  });

  test('the semaphore never exceeds its capacity and serves high before low', async () => {
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

  test('shared wait: full wait while watches fit the slots; one round takes about the wait otherwise', () => {
    assert.equal(sharedWaitMs(60_000, 100, 100), 60_000);
    assert.equal(sharedWaitMs(60_000, 100, 1_000), 6_000);
    assert.equal(sharedWaitMs(60_000, 100, 100_000), 250);
    assert.equal(sharedWaitMs(5_000, 50, 1_000), 250);
  });

  test('a gate releases its waiters when opened, aborted waiters get false, and each closure counts once', async () => {
    const gate = new Gate();
    assert.equal(gate.epoch, 0);
    gate.close();
    gate.close();
    assert.equal(gate.epoch, 1);
    const ac = new AbortController();
    const a = gate.wait(new AbortController().signal);
    const b = gate.wait(ac.signal);
    ac.abort();
    assert.equal(await b, false);
    gate.openUp();
    assert.equal(await a, true);
    assert.equal(await gate.wait(new AbortController().signal), true);
  });
});

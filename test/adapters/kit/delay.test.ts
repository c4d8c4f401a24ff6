import { describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { delay, spaceFrom } from '../../../src/adapters/kit/delay.js';

describe('kit: abortable delay', () => {
  test('resolves true after the time has passed', async () => {
    const started = Date.now();
    assert.equal(await delay(30, new AbortController().signal), true);
    assert.ok(Date.now() - started >= 25);
  });

  test('resolves false at once when aborted', async () => {
    const ac = new AbortController();
    const started = Date.now();
    const p = delay(60_000, ac.signal);
    ac.abort();
    assert.equal(await p, false);
    const ms = Date.now() - started;
    assert.ok(ms < 10_000, `resolved after ${ms} ms; the delay is 60 s`);
  });

  test('a delay longer than one Node timer can wait (2^31-1 ms) waits the whole time, not 1 ms', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      let done = false;
      const p = delay(2 ** 31 + 1000, new AbortController().signal).then((v) => (done = v));
      mock.timers.tick(1000);
      await Promise.resolve();
      assert.equal(done, false, 'must not fire early');
      mock.timers.tick(2 ** 31 - 1 - 1000);
      await Promise.resolve();
      assert.equal(done, false, 'one timer length is not the whole wait');
      mock.timers.tick(1001);
      assert.equal(await p, true);
    } finally {
      mock.timers.reset();
    }
  });

  test('an already aborted signal gives false, a zero or negative wait true', async () => {
    const ac = new AbortController();
    ac.abort();
    assert.equal(await delay(10, ac.signal), false);
    assert.equal(await delay(-5, new AbortController().signal), true);
  });

  test('spaceFrom waits only for the rest of the minimum interval', async () => {
    const signal = new AbortController().signal;
    const t0 = Date.now();
    await spaceFrom(t0, 60, signal);
    assert.ok(Date.now() - t0 >= 55, 'waited the rest');
    const t1 = Date.now();
    await spaceFrom(t1 - 3_000, 2_000, signal);
    assert.ok(Date.now() - t1 < 1_000, 'nothing left to wait (a full wait would take 2 s)');
  });
});

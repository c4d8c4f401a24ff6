import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff } from '../../../src/adapters/kit/backoff.js';
import { MIN_INTERVAL_MS, runBlockingLoop } from '../../../src/adapters/consul/blocking-loop.js';
import type { ConsulResponse } from '../../../src/adapters/consul/client.js';
import { Gate } from '../../../src/adapters/kit/gate.js';

type Step = ConsulResponse | Error;

/** Runs the loop over scripted answers and records what it did. */
async function run(script: Step[], onData: (body: unknown) => void = () => undefined) {
  const ac = new AbortController();
  const sent: bigint[] = [];
  const applied: unknown[] = [];
  const errors: string[] = [];
  const times: number[] = [];
  let ok = 0;
  await runBlockingLoop({
    signal: ac.signal,
    backoff: new Backoff(5, 10),
    fetch: (index) => {
      sent.push(index);
      times.push(Date.now());
      const step = script.shift();
      if (script.length === 0) ac.abort();
      if (step === undefined) return Promise.reject(new Error('script ended'));
      return step instanceof Error ? Promise.reject(step) : Promise.resolve(step);
    },
    onData: (body) => {
      onData(body);
      applied.push(body);
    },
    onOk: () => ok++,
    onError: (err) => errors.push(err.message),
  });
  return { sent, applied, errors, ok, times };
}

const answer = (index: string | undefined, body: unknown): ConsulResponse => ({ index, body });

describe('consul blocking-query loop', () => {
  test('sends the last index, applies only new states, and restarts from 0 when the index goes backwards', async () => {
    const r = await run([
      answer('10', 'A'),
      answer('10', 'A'), // wait timed out
      answer('11', 'B'),
      answer('5', 'C'), // Consul state reset
      answer('6', 'C'),
      answer('6', 'C'),
    ]);
    assert.deepEqual(r.sent, [0n, 10n, 10n, 11n, 0n, 6n]);
    assert.deepEqual(r.applied, ['A', 'B', 'C', 'C']);
    assert.deepEqual(r.errors, []);
  });

  test('an error is reported, backed off, and the next request starts from index 0', async () => {
    const r = await run([
      answer('10', 'A'),
      new Error('connection refused'),
      answer('12', 'B'),
      answer('12', 'B'),
    ]);
    assert.deepEqual(r.sent, [0n, 10n, 0n, 12n]);
    assert.deepEqual(r.errors, ['connection refused']);
    assert.deepEqual(r.applied, ['A', 'B']);
  });

  test('a body that cannot be used counts as an error and is fetched again from index 0', async () => {
    const r = await run([answer('10', 'bad'), answer('10', 'good'), answer('10', 'good')], (body) => {
      if (body === 'bad') throw new Error('not a list');
    });
    assert.deepEqual(r.sent, [0n, 0n, 10n]);
    assert.deepEqual(r.errors, ['not a list']);
    assert.deepEqual(r.applied, ['good']);
  });

  test('answers that come back at once never make it spin: requests are at least the minimum interval apart', async () => {
    const r = await run([
      answer(undefined, 'x'),
      answer(undefined, 'x'),
      answer(undefined, 'x'),
      answer(undefined, 'x'),
    ]);
    assert.deepEqual(r.sent, [0n, 0n, 0n, 0n]);
    for (let i = 1; i < r.times.length; i++) {
      assert.ok(
        r.times[i]! - r.times[i - 1]! >= MIN_INTERVAL_MS - 5,
        `gap ${r.times[i]! - r.times[i - 1]!} ms`,
      );
    }
  });

  test('the first answer and every answer that moved the index forward re-arm the watch at once; unchanged answers are spaced', async () => {
    const script = [answer('10', 'A')];
    for (let i = 11; i <= 16; i++) script.push(answer(String(i), String(i)));
    script.push(answer('16', '16'), answer('16', '16'));
    const r = await run(script);
    assert.deepEqual(r.sent, [0n, 10n, 11n, 12n, 13n, 14n, 15n, 16n, 16n]);
    const gaps = r.times.slice(1).map((t, i) => t - r.times[i]!);
    // the first answer (index 0 sent) re-arms at once: a change right after the watch
    // started is not held back by a pause (which would make this gap at least the minimum)
    assert.ok(gaps[0]! < MIN_INTERVAL_MS - 10, `first gap ${gaps[0]} ms`);
    // every forward move re-arms at once: six re-arms together take less than half of the
    // six pauses they would otherwise sit out (room for a loaded machine, none for a pause each)
    const rearms = gaps.slice(1, 7);
    const rearmMs = rearms.reduce((a, b) => a + b, 0);
    assert.ok(rearmMs < 3 * MIN_INTERVAL_MS, `six re-arms took ${rearmMs} ms (gaps ${rearms.join(', ')})`);
    // an unchanged index (wait timed out or woke up for nothing) is followed by the pause
    assert.ok(gaps[7]! >= MIN_INTERVAL_MS - 5, `gap after an unchanged answer ${gaps[7]} ms`);
  });

  test('a first answer without a usable index is followed by the pause, not a second request at once', async () => {
    for (const header of [undefined, '0', '1']) {
      const r = await run([answer(header, 'A'), answer(header, 'A')]);
      const gap = r.times[1]! - r.times[0]!;
      assert.ok(gap >= MIN_INTERVAL_MS - 5, `index ${header}: gap ${gap} ms`);
    }
  });

  test('a fetch may send index 0 instead (sentIndex): an equal index from a restarted Consul is still applied', async () => {
    const ac = new AbortController();
    const gate = new Gate();
    let epoch = gate.epoch;
    const sent: bigint[] = [];
    const applied: unknown[] = [];
    const answers = [answer('7', 'before'), answer('7', 'after restart'), answer('7', 'after restart')];
    await runBlockingLoop({
      signal: ac.signal,
      backoff: new Backoff(5, 10),
      fetch: (index) => {
        const sentIndex = gate.epoch === epoch ? index : 0n;
        epoch = gate.epoch;
        sent.push(sentIndex);
        if (sent.length === 1) {
          gate.close(); // an outage seen by another watch...
          gate.openUp(); // ...and over before this one asks again
        }
        if (sent.length === answers.length) ac.abort();
        return Promise.resolve({ ...answers[sent.length - 1]!, sentIndex });
      },
      onData: (body) => applied.push(body),
      onOk: () => undefined,
      onError: () => undefined,
    });
    assert.deepEqual(sent, [0n, 0n, 7n]);
    assert.deepEqual(applied, ['before', 'after restart']);
  });

  test('aborting during back-off ends the loop at once', async () => {
    const ac = new AbortController();
    const t0 = Date.now();
    const loop = runBlockingLoop({
      signal: ac.signal,
      backoff: new Backoff(60_000, 60_000),
      fetch: () => Promise.reject(new Error('down')),
      onData: () => undefined,
      onOk: () => undefined,
      onError: () => setTimeout(() => ac.abort(), 20),
    });
    await loop;
    const ms = Date.now() - t0;
    assert.ok(ms < 10_000, `the loop ended ${ms} ms after the abort; the back-off is 60 s`);
  });
});

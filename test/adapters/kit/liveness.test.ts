import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runLiveness } from '../../../src/adapters/kit/liveness.js';
import { StaleTracker } from '../../../src/adapters/kit/stale-tracker.js';
import { RecordingSink } from '../../support/recording-sink.js';
import { silentLogger } from '../../support/bridge.js';

function setup(probe: (signal: AbortSignal) => Promise<void>, staleAfterMs = 400) {
  const sink = new RecordingSink();
  const tracker = new StaleTracker({ sink, logger: silentLogger, label: 'test' });
  const abort = new AbortController();
  const done = runLiveness({ probe, staleAfterMs, tracker, signal: abort.signal, label: 'Test registry' });
  return { sink, tracker, stop: () => (abort.abort(), done) };
}

describe('liveness probe (kit)', () => {
  test('a registry that stops answering (a probe that never settles, ignoring its signal) is stale within staleAfter', async () => {
    let frozen = false;
    const l = setup(() => (frozen ? new Promise<void>(() => undefined) : Promise.resolve()));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(l.sink.isStale, false);
    frozen = true;
    const frozeAt = Date.now();
    await l.sink.waitFor('stale', () => l.sink.isStale, 2000);
    const detected = Date.now() - frozeAt;
    assert.ok(detected <= 400 + 300, `detected after ${detected} ms (bound 400 ms)`);
    assert.match(l.sink.lastError?.message ?? '', /did not answer the liveness probe within 200 ms/);
    frozen = false;
    await l.sink.waitFor('fresh again', () => !l.sink.isStale, 2000);
    await l.stop();
  });

  test('a probe error is reported with its message, and the loop ends when stopped', async () => {
    const l = setup(() => Promise.reject(new Error('connection refused')));
    await l.sink.waitFor('stale', () => l.sink.isStale, 2000);
    assert.match(
      l.sink.lastError?.message ?? '',
      /Test registry failed the liveness probe: connection refused/,
    );
    await l.stop();
  });

  test('staleAfter 0 runs no probe', async () => {
    let calls = 0;
    const l = setup(() => {
      calls++;
      return Promise.resolve();
    }, 0);
    await l.stop();
    assert.equal(calls, 0);
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { PrometheusTelemetry } from '../../src/telemetry/prometheus.js';

/** Times the main thread went to sleep and was woken (Linux). */
function mainThreadWakeups(): number {
  const status = readFileSync(`/proc/self/task/${process.pid}/status`, 'utf8');
  const line = status.split('\n').find((l) => l.startsWith('voluntary_ctxt_switches:'));
  assert.ok(line, 'no voluntary_ctxt_switches in /proc');
  return Number(line.split(/\s+/)[1]);
}

describe('PrometheusTelemetry', () => {
  test('an idle process with the metrics on is woken about 10 times a second, not 100 (event-loop delay sampled every 100 ms)', async () => {
    const telemetry = new PrometheusTelemetry();
    await sleep(200);
    const before = mainThreadWakeups();
    await sleep(1_000);
    const wakeups = mainThreadWakeups() - before;
    // prom-client's default 10 ms sampling wakes the loop ~100 times in this second.
    assert.ok(wakeups < 40, `the main thread woke ${wakeups} times in one idle second`);
    assert.match(await telemetry.render(), /nodejs_eventloop_lag_p99_seconds/);
  });
});

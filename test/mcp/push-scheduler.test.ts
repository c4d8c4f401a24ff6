import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { PushScheduler, type PendingPush } from '../../src/mcp/push-scheduler.js';
import type { ResourceKind } from '../../src/model/istio.js';

type Batch = ReadonlyMap<ResourceKind, PendingPush>;

const names = (b: Batch, kind: ResourceKind): string[] => [...(b.get(kind)?.names ?? [])].sort();

test('with a debounce of 0 the flush comes at the end of the same turn, before anything queued after the change', async () => {
  const events: string[] = [];
  const s = new PushScheduler(0, 1000, (b) => events.push(`flush ${names(b, 'ServiceEntry').join(',')}`));
  // From an I/O callback, immediates run before any timer: a 0 ms timer would flush after 'next immediate'.
  await new Promise<void>((resolve) => {
    void readFile(import.meta.filename).then(() => {
      s.add('ServiceEntry', ['a']);
      s.add('ServiceEntry', ['b']);
      setImmediate(() => {
        events.push('next immediate');
        resolve();
      });
    });
  });
  assert.deepEqual(events, ['flush a,b', 'next immediate']);
});

test('with a debounce of 0 the changes of one turn make one flush', async () => {
  const batches: Batch[] = [];
  const s = new PushScheduler(0, 1000, (b) => batches.push(b));
  s.add('ServiceEntry', ['a']);
  s.add('WorkloadEntry', ['w']);
  s.add('ServiceEntry', ['b']);
  await sleep(20);
  assert.equal(batches.length, 1);
  assert.deepEqual(names(batches[0]!, 'ServiceEntry'), ['a', 'b']);
  assert.deepEqual(names(batches[0]!, 'WorkloadEntry'), ['w']);
});

test('cancel drops a flush due at the end of the turn', async () => {
  const batches: Batch[] = [];
  const s = new PushScheduler(0, 1000, (b) => batches.push(b));
  s.add('ServiceEntry', ['a']);
  s.cancel();
  s.add('ServiceEntry', ['b']);
  await sleep(20);
  assert.equal(batches.length, 0);
});

test('a debounce keeps waiting while changes come, but no longer than maxDelay after the first', async () => {
  const addsAtFlush: number[] = [];
  let adds = 0;
  const t0 = performance.now();
  let firstFlushMs = 0;
  const s = new PushScheduler(150, 300, () => {
    if (addsAtFlush.length === 0) firstFlushMs = performance.now() - t0;
    addsAtFlush.push(adds);
  });
  // A change every 10 ms for 600 ms: the 150 ms debounce alone would never fire during it.
  while (performance.now() - t0 < 600) {
    s.add('ServiceEntry', [`s${adds}`]);
    adds++;
    await sleep(10);
  }
  assert.ok(addsAtFlush.length >= 1, 'flushed during the burst');
  assert.ok(addsAtFlush[0]! < adds, `first flush after ${addsAtFlush[0]} of ${adds} changes`);
  assert.ok(firstFlushMs >= 299, `first flush ${firstFlushMs.toFixed(0)} ms after the first change`);
});

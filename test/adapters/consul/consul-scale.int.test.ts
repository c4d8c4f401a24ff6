import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConsulAgent, describeWithConsul } from '../../support/consul.js';
import { inParallel } from '../../support/in-parallel.js';
import { startAdapter, type RunningAdapter } from './harness.js';

const COUNT = 1_000;
const SLOTS = 50;
const name = (i: number): string => `bulk-${String(i).padStart(4, '0')}`;

describeWithConsul('consul adapter with 1,000 services', (bin) => {
  let consul: ConsulAgent;
  let running: RunningAdapter | undefined;

  before(async () => {
    consul = await ConsulAgent.start(bin);
  });
  after(async () => {
    await running?.stop();
    await consul?.stop();
  });

  const register = (i: number, status: 'passing' | 'critical' = 'passing'): Promise<void> =>
    consul.catalogRegister({
      Node: `bulk-node-${i % 10}`,
      Address: `192.0.2.${(i % 10) + 1}`,
      Service: { ID: `${name(i)}-1`, Service: name(i), Port: 8000 + (i % 100) },
      Checks: [
        {
          Node: `bulk-node-${i % 10}`,
          CheckID: `${name(i)}-chk`,
          Name: 'c',
          Status: status,
          ServiceID: `${name(i)}-1`,
        },
      ],
    });

  test('1,000 services registered at once sync completely with at most maxConcurrentQueries health queries in flight, and later changes still arrive', async () => {
    const t0 = Date.now();
    await inParallel(
      Array.from({ length: COUNT }, (_, i) => i),
      16,
      (i) => register(i),
    );
    const registeredMs = Date.now() - t0;

    const t1 = Date.now();
    running = await startAdapter(consul.address, {
      services: { include: ['bulk-*'] },
      maxConcurrentQueries: SLOTS,
      wait: '5s',
      emptyGracePeriod: '1s',
    });
    const { sink, adapter } = running;
    await sink.waitFor('synced', () => sink.isSynced, 40_000);
    const syncMs = Date.now() - t1;
    assert.equal(sink.services.size, COUNT, 'every service is in the first sync');
    assert.equal(sink.changedUpserts, COUNT, 'each arrives once as a change');
    const stats = adapter.stats()!;
    assert.equal(stats.watchedServices, COUNT);
    assert.ok(stats.peakQueriesInFlight <= SLOTS, `peak ${stats.peakQueriesInFlight} <= ${SLOTS}`);
    assert.equal(stats.peakQueriesInFlight, SLOTS, 'the slots were used');

    // Watches take turns on the 50 slots; a change must still arrive within about one round (~wait).
    const t2 = Date.now();
    await register(777, 'critical');
    await sink.waitFor(
      'health change of one of 1,000',
      () => sink.healthyCount(`dc1/${name(777)}`) === 0,
      15_000,
    );
    const changeMs = Date.now() - t2;

    // 100 services leave at once: each is emptied, then removed after the grace period.
    await inParallel(
      Array.from({ length: 100 }, (_, i) => i * 10),
      16,
      (i) => consul.catalogDeregister(`bulk-node-${i % 10}`, `${name(i)}-1`),
    );
    await sink.waitFor('100 removed', () => sink.removedIds().length >= 100, 20_000);
    assert.equal(sink.services.size, COUNT - 100);
    assert.equal(adapter.stats()!.watchedServices, COUNT - 100);
    // In-flight queries block for up to `wait` (5 s): a stop that waited for them would take
    // about that long. A correct one takes milliseconds; the limit leaves room for a loaded machine.
    const stopMs = await running.stop();
    assert.ok(stopMs < 3_000, `stop() with ${COUNT - 100} watches took ${stopMs} ms`);
    console.log(
      `consul scale: registered ${COUNT} in ${registeredMs} ms; first sync ${syncMs} ms; change seen after ${changeMs} ms; peak in flight ${stats.peakQueriesInFlight}; stop ${stopMs} ms`,
    );
  });
});

import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EurekaAdapter } from '../../../src/adapters/eureka/adapter.js';
import { MAX_DELTA_GAP_MS, needsFullFetch } from '../../../src/adapters/eureka/poller.js';
import { eurekaSettingsSchema } from '../../../src/adapters/eureka/settings.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { RecordingSink } from '../../support/recording-sink.js';
import { FakeEureka } from './fake-server.js';
import { pollUntil } from './harness.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Running {
  adapter: EurekaAdapter;
  sink: RecordingSink;
  logs: () => string;
}

describe('eureka read loop (scripted server)', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  async function server(): Promise<FakeEureka> {
    const f = await new FakeEureka().start();
    cleanup.push(() => f.close());
    return f;
  }

  async function start(settings: Record<string, unknown>): Promise<Running> {
    const s = eurekaSettingsSchema.parse({
      refreshInterval: '100ms',
      backoff: { initial: '50ms', max: '100ms' },
      ...settings,
    });
    const adapter = new EurekaAdapter({ name: 'eu', type: 'eureka', namespace: 'eureka' }, s, {
      configDir: '.',
    });
    const sink = new RecordingSink();
    const { logger, text } = memoryLogger();
    await adapter.start({ sink, logger });
    cleanup.push(() => adapter.stop());
    return { adapter, sink, logs: text };
  }

  const ips = (sink: RecordingSink, id: string): string[] =>
    (sink.services.get(id)?.instances ?? [])
      .map((i) => `${i.address}${i.healthy ? '' : ' (unhealthy)'}`)
      .sort();

  test('one full fetch, synced() once, then deltas applied by instanceId', async () => {
    const f = await server();
    f.put({ app: 'DEMO', id: 'd1', ip: '10.0.0.1' });
    f.put({ app: 'DEMO', id: 'd2', ip: '10.0.0.2' });
    f.dropQueue();
    const { adapter, sink } = await start({ address: f.address });
    await sink.waitFor('synced', () => sink.isSynced, 5000);
    assert.deepEqual(ips(sink, 'DEMO'), ['10.0.0.1', '10.0.0.2']);
    f.put({ app: 'DEMO', id: 'd2', ip: '10.0.0.2', status: 'DOWN' });
    f.put({ app: 'OTHER', id: 'o1', ip: '10.0.1.1' });
    await sink.waitFor(
      'delta applied',
      () => ips(sink, 'DEMO').includes('10.0.0.2 (unhealthy)') && sink.services.has('OTHER'),
      5000,
    );
    await sleep(300);
    assert.equal(f.count('/eureka/apps'), 1, 'no further full fetch');
    assert.ok(f.count('/eureka/apps/delta') >= 2);
    assert.equal(sink.count('synced'), 1);
    assert.equal(adapter.stats()!.hashMismatches, 0);
  });

  test('a delta whose hashcode does not match the copy triggers a full fetch at once, which repairs the copy', async () => {
    const f = await server();
    f.put({ app: 'DEMO', id: 'd1', ip: '10.0.0.1' });
    const { adapter, sink } = await start({ address: f.address });
    await sink.waitFor('synced', () => sink.isSynced, 5000);
    // d2 joins, but its delta entry is lost (as if it aged out of the queue)
    f.put({ app: 'DEMO', id: 'd2', ip: '10.0.0.2' });
    f.dropQueue();
    await sink.waitFor('full fetch repaired the copy', () => ips(sink, 'DEMO').length === 2, 5000);
    assert.ok(adapter.stats()!.hashMismatches >= 1);
    const i = f.requests.lastIndexOf('/eureka/apps');
    assert.equal(f.requests[i - 1], '/eureka/apps/delta', 'the full fetch came right after the delta');
  });

  test('a delta that lies about the hashcode never changes the sink by itself', async () => {
    const f = await server();
    f.put({ app: 'DEMO', id: 'd1', ip: '10.0.0.1' });
    f.dropQueue();
    const { sink } = await start({ address: f.address });
    await sink.waitFor('synced', () => sink.isSynced, 5000);
    f.lyingHashcode = 'UP_99_';
    await sleep(400);
    assert.deepEqual(ips(sink, 'DEMO'), ['10.0.0.1']);
    assert.ok(f.count('/eureka/apps') >= 2, 'each mismatch fetched in full');
  });

  test('a stale delta whose hashcode matches its own content: the write it misses is read by the next periodic full fetch', async () => {
    for (const fullFetchInterval of ['400ms', '0s']) {
      const f = await server();
      f.put({ app: 'DEMO', id: 'd1', ip: '10.0.0.1' });
      f.dropQueue();
      const { sink } = await start({ address: f.address, fullFetchInterval });
      await sink.waitFor('synced', () => sink.isSynced, 5000);
      f.freezeDelta(true);
      f.put({ app: 'DEMO', id: 'd2', ip: '10.0.0.2' });
      await sleep(1200);
      if (fullFetchInterval === '0s') {
        // the control: with deltas alone the write stays unseen, so the periodic fetch is what finds it
        assert.deepEqual(ips(sink, 'DEMO'), ['10.0.0.1']);
        assert.equal(f.count('/eureka/apps'), 1);
      } else {
        assert.deepEqual(ips(sink, 'DEMO'), ['10.0.0.1', '10.0.0.2']);
        assert.ok(f.count('/eureka/apps') >= 2);
        assert.ok(f.count('/eureka/apps/delta') >= 2, 'deltas still read between the full fetches');
      }
    }
  });

  test('a periodic full fetch that finds nothing changed sends nothing; one that finds a change sends only that app', async () => {
    const f = await server();
    for (let a = 0; a < 20; a++) f.put({ app: `APP${a}`, id: `i${a}`, ip: `10.0.2.${a}` });
    f.dropQueue();
    const { sink } = await start({ address: f.address, fullFetchInterval: '300ms' });
    await sink.waitFor('synced', () => sink.isSynced, 5000);
    const upserts = sink.count('upsert');
    assert.equal(upserts, 20);
    const fulls = f.count('/eureka/apps');
    await pollUntil('two more full fetches', () => f.count('/eureka/apps') >= fulls + 2, 5000);
    assert.equal(sink.count('upsert'), upserts, 'no app sent again');
    f.freezeDelta(true);
    f.put({ app: 'APP7', id: 'i7', ip: '10.0.3.7' });
    await sink.waitFor('the full fetch saw the change', () => ips(sink, 'APP7').includes('10.0.3.7'), 5000);
    const sent = sink.calls.slice(upserts).flatMap((c) => (c.op === 'upsert' ? [c.service.id] : []));
    assert.deepEqual([...new Set(sent)], ['APP7']);
  });

  test('errors: stale with the error, nothing removed, then a full fetch (not a delta) and fresh again', async () => {
    const f = await server();
    f.put({ app: 'DEMO', id: 'd1', ip: '10.0.0.1' });
    f.dropQueue();
    const { sink } = await start({ address: f.address, emptyGracePeriod: '100ms' });
    await sink.waitFor('synced', () => sink.isSynced, 5000);
    const mark = sink.calls.length;
    f.failWith = 500;
    await sink.waitFor('stale', () => sink.isStale, 5000);
    assert.equal(
      sink.lastError && 'code' in sink.lastError ? sink.lastError.code : undefined,
      'IRB_REGISTRY_UNREACHABLE',
    );
    await sleep(400);
    assert.deepEqual(sink.removedIds(), []);
    assert.deepEqual(ips(sink, 'DEMO'), ['10.0.0.1']);
    f.put({ app: 'DEMO', id: 'd2', ip: '10.0.0.2' });
    f.dropQueue();
    const before = f.requests.length;
    f.failWith = undefined;
    await sink.waitFor('fresh', () => !sink.isStale, 5000);
    assert.equal(
      f.requests.slice(before).find((r) => !r.startsWith('failing')),
      '/eureka/apps',
    );
    await sink.waitFor('converged', () => ips(sink, 'DEMO').length === 2, 5000);
    assert.equal(
      sink.calls.slice(mark).filter((c) => c.op === 'remove').length,
      0,
      'no removal at any point',
    );
  });

  test('failover: a delta answered by another server is not applied; a full fetch from that server is', async () => {
    const a = await server();
    const b = await server();
    for (const f of [a, b]) {
      f.put({ app: 'DEMO', id: 'd1', ip: '10.0.0.1' });
      f.dropQueue();
    }
    b.put({ app: 'DEMO', id: 'd2', ip: '10.0.0.2' }); // b knows more, and its delta queue says so
    const { adapter, sink } = await start({ address: [a.address, b.address] });
    await sink.waitFor('synced', () => sink.isSynced, 5000);
    a.failWith = 503;
    await sink.waitFor('b read in full', () => ips(sink, 'DEMO').length === 2, 5000);
    assert.equal(adapter.stats()!.server, b.address);
    assert.ok(b.count('/eureka/apps') >= 1, 'full fetch from b');
    assert.equal(sink.isStale, false, 'one server answering is not an outage');
  });

  test('an emptied app is kept, unhealthy, for the grace period, then removed', async () => {
    const f = await server();
    f.put({ app: 'DEMO', id: 'd1', ip: '10.0.0.1' });
    f.put({ app: 'KEEP', id: 'k1', ip: '10.0.9.1' });
    const { sink } = await start({ address: f.address, emptyGracePeriod: '600ms' });
    await sink.waitFor('synced', () => sink.isSynced, 5000);
    f.delete('DEMO', 'd1');
    await sink.waitFor('unhealthy', () => ips(sink, 'DEMO').join() === '10.0.0.1 (unhealthy)', 5000);
    const t0 = Date.now();
    await sink.waitFor('removed', () => !sink.services.has('DEMO'), 5000);
    assert.ok(Date.now() - t0 > 300, 'not before the grace period');
    assert.ok(sink.services.has('KEEP'));
  });

  test('include/exclude select apps case-insensitively; others are counted but never sent', async () => {
    const f = await server();
    f.put({ app: 'PAY-API', id: 'p1', ip: '10.0.0.1' });
    f.put({ app: 'PAY-INTERNAL', id: 'p2', ip: '10.0.0.2' });
    f.put({ app: 'SHOP', id: 's1', ip: '10.0.0.3' });
    const { adapter, sink } = await start({
      address: f.address,
      services: { include: ['pay-*'], exclude: ['*-Internal'] },
    });
    await sink.waitFor('synced', () => sink.isSynced, 5000);
    f.put({ app: 'SHOP', id: 's2', ip: '10.0.0.4' });
    await sleep(400);
    assert.deepEqual([...sink.services.keys()], ['PAY-API']);
    assert.equal(adapter.stats()!.hashMismatches, 0, 'unselected apps still count for the hashcode');
    assert.equal(adapter.stats()!.instances, 4);
  });

  test('an app emptied just before an outage is not removed while the registry is unreachable, and is after it', async () => {
    const f = await server();
    f.put({ app: 'DEMO', id: 'd1', ip: '10.0.0.1' });
    f.put({ app: 'KEEP', id: 'k1', ip: '10.0.9.1' });
    const { sink } = await start({ address: f.address, emptyGracePeriod: '500ms' });
    await sink.waitFor('synced', () => sink.isSynced, 5000);
    f.delete('DEMO', 'd1');
    await sink.waitFor('grace started', () => ips(sink, 'DEMO').join() === '10.0.0.1 (unhealthy)', 5000);
    f.failWith = 503;
    await sink.waitFor('stale', () => sink.isStale, 5000);
    await sleep(1200);
    assert.ok(sink.services.has('DEMO'), 'kept while Eureka cannot be read');
    f.failWith = undefined;
    await sink.waitFor('removed once readable again', () => !sink.services.has('DEMO'), 5000);
    assert.ok(sink.services.has('KEEP'));
  });

  test('stop() ends the loop: no request and no sink call afterwards', async () => {
    const f = await server();
    f.put({ app: 'DEMO', id: 'd1', ip: '10.0.0.1' });
    const { adapter, sink } = await start({ address: f.address });
    await sink.waitFor('synced', () => sink.isSynced, 5000);
    await adapter.stop();
    const requests = f.requests.length;
    const calls = sink.calls.length;
    f.put({ app: 'DEMO', id: 'd2', ip: '10.0.0.2' });
    await sleep(300);
    assert.equal(f.requests.length, requests);
    assert.equal(sink.calls.length, calls);
  });
});

describe('eureka full fetch or delta', () => {
  const ok = {
    needFull: false,
    verifiable: true,
    lastAnswerAt: 1_000_000,
    lastFullAt: 1_000_000,
    fullEveryMs: 0,
  };
  test('a delta while the copy is current, verifiable and recent', () => {
    assert.equal(needsFullFetch(ok, 1_000_000 + MAX_DELTA_GAP_MS), false);
  });
  test('a full fetch after an error, while deltas cannot be verified, or when the last answer is too old', () => {
    assert.equal(needsFullFetch({ ...ok, needFull: true }, 1_000_000), true);
    assert.equal(needsFullFetch({ ...ok, verifiable: false }, 1_000_000), true);
    assert.equal(needsFullFetch(ok, 1_000_000 + MAX_DELTA_GAP_MS + 1), true);
  });
  test('a full fetch once fullFetchInterval has passed since the last one, even while deltas verify', () => {
    const every = { ...ok, fullEveryMs: 60_000, lastAnswerAt: 1_059_000 };
    assert.equal(needsFullFetch(every, 1_059_999), false);
    assert.equal(needsFullFetch(every, 1_060_000), true);
    assert.equal(needsFullFetch({ ...every, fullEveryMs: 0 }, 1_060_000), false, '0 turns it off');
  });
  test('the gap allowed is well inside the 3 minutes Eureka keeps a change in the delta queue', () => {
    assert.ok(MAX_DELTA_GAP_MS <= 180_000 / 2);
  });
});

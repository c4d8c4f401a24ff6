import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RecordingSink } from '../../support/recording-sink.js';
import type { ContractDriver, RegistryUnderTest, ServiceSpec } from './driver.js';
import { HandleWatch, activeResources, aboveBaseline } from './handle-watch.js';
import { launch, type Launched } from './launch.js';
import { RegistryModel } from './model.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const svc = (name: string, ...hosts: [string, number][]): ServiceSpec => ({
  name,
  instances: hosts.map(([address, port]) => ({ address, port })),
});

/**
 * The contract every registry adapter must keep, as node:test cases (call it
 * inside a `describe`). One registry is started for all cases; each case
 * starts its own adapter from the catalog and stops it after.
 */
export function adapterContract(driver: ContractDriver): void {
  let registry: RegistryUnderTest;
  const model = new RegistryModel((name) => driver.serviceId(name));
  const running: Launched[] = [];

  const put = async (s: ServiceSpec): Promise<void> => {
    await registry.put(s);
    model.put(s);
  };
  const remove = async (name: string): Promise<void> => {
    await registry.remove(name);
    model.remove(name);
  };
  const start = async (): Promise<Launched> => {
    const l = await launch(driver.type, registry);
    running.push(l);
    return l;
  };
  const synced = (sink: RecordingSink): Promise<void> =>
    sink.waitFor('synced()', () => sink.isSynced, driver.convergeMs);
  const converged = (sink: RecordingSink, what: string): Promise<void> =>
    sink.waitFor(
      `${what}: the sink matches the registry (${model.differences(sink.services).join('; ')})`,
      () => model.differences(sink.services).length === 0,
      driver.convergeMs,
    );
  /** Ids in `kept` that a call since `from` removed (remove, or replaceAll without them). */
  const dropped = (sink: RecordingSink, from: number, kept: readonly string[]): string[] =>
    sink.calls.slice(from).flatMap((c) => {
      if (c.op === 'remove') return kept.includes(c.id) ? [`remove ${c.id}`] : [];
      if (c.op !== 'replaceAll') return [];
      const ids = new Set(c.services.map((s) => s.id));
      return kept.filter((id) => !ids.has(id)).map((id) => `replaceAll without ${id}`);
    });

  before(async () => {
    registry = await driver.start();
    await put(svc('seed-a', ['10.9.0.1', 8080]));
    await put(svc('seed-b', ['10.9.0.2', 8080], ['10.9.0.3', 8080]));
  });
  afterEach(async () => {
    for (const l of running.splice(0)) await l.stop();
  });
  after(async () => {
    await registry?.close();
  });

  test('start: resolves once watching has begun; the adapter carries its name and type', async () => {
    const l = await start();
    assert.equal(l.adapter.type, driver.type);
    assert.equal(l.adapter.name, `contract-${driver.type}`);
  });

  test('first sync: synced() is called once, after the whole initial state was sent', async () => {
    const { sink } = await start();
    await synced(sink);
    assert.deepEqual(model.differences(sink.servicesAtFirstSync!), [], 'state when synced() came');
    await sleep(driver.quietMs);
    assert.equal(sink.count('synced'), 1, 'synced() called exactly once');
    assert.deepEqual(dropped(sink, 0, model.ids()), []);
  });

  test('upsert: a new service appears with its instances', async () => {
    const { sink } = await start();
    await synced(sink);
    const mark = sink.calls.length;
    const before = model.ids();
    await put(svc('fresh', ['10.9.1.1', 9000], ['10.9.1.2', 9000]));
    await converged(sink, 'new service');
    assert.deepEqual(dropped(sink, mark, before), [], 'nothing else was dropped');
  });

  test('modify: changed instances arrive; the service is never dropped on the way', async () => {
    const { sink } = await start();
    await synced(sink);
    const mark = sink.calls.length;
    await put(svc('seed-b', ['10.9.0.2', 8081], ['10.9.0.4', 8080], ['10.9.0.5', 8080]));
    await converged(sink, 'modified service');
    assert.deepEqual(dropped(sink, mark, model.ids()), []);
  });

  test('removal: a deleted service leaves the sink', async () => {
    const { sink } = await start();
    await synced(sink);
    await put(svc('doomed', ['10.9.2.1', 7000]));
    await converged(sink, 'service to delete');
    await remove('doomed');
    await converged(sink, 'deleted service');
    assert.equal(sink.services.has(driver.serviceId('doomed')), false);
  });

  test('outage: setStale(true, error) and nothing deleted or changed while the registry is unreachable', async () => {
    const { sink } = await start();
    await synced(sink);
    await converged(sink, 'before the outage');
    const held = JSON.stringify([...sink.services]);
    const mark = sink.calls.length;
    await registry.breakDown();
    try {
      await sink.waitFor('setStale(true)', () => sink.isStale, driver.convergeMs);
      const stale = sink.calls.slice(mark).find((c) => c.op === 'stale' && c.stale);
      assert.ok(stale?.op === 'stale' && stale.error instanceof Error, 'setStale(true) carries an Error');
      await sleep(driver.outageHoldMs);
      assert.deepEqual(dropped(sink, mark, model.ids()), [], 'nothing removed during the outage');
      assert.equal(JSON.stringify([...sink.services]), held, 'state kept as it was');
      assert.equal(sink.isStale, true, 'still stale while the registry is down');
    } finally {
      await registry.recover();
    }
  });

  test('recovery: setStale(false), the state converges, and later changes arrive', async () => {
    const { sink } = await start();
    await synced(sink);
    await registry.breakDown();
    try {
      await sink.waitFor('setStale(true)', () => sink.isStale, driver.convergeMs);
    } finally {
      await registry.recover();
    }
    await sink.waitFor('setStale(false)', () => !sink.isStale, driver.convergeMs);
    await converged(sink, 'after recovery');
    await put(svc('after-outage', ['10.9.3.1', 6000]));
    await converged(sink, 'change after recovery');
    assert.equal(sink.count('synced'), 1, 'no second synced()');
  });

  test('stop: releases every timer, socket and watcher, and no sink call comes after it', async () => {
    const baseline = activeResources();
    const handles = new HandleWatch().begin();
    let l: Launched;
    try {
      l = await start();
      await synced(l.sink);
      await new Promise((r) => setImmediate(r)); // lets the sink's cleared wait timer be destroyed
      const held = handles.open();
      assert.ok(held.length > 0, 'a running adapter holds handles (so the check below can see them)');
      if (process.env.CONTRACT_DEBUG) console.log(`${driver.type} adapter handles while running:`, held);
      const t0 = Date.now();
      await l.stop();
      assert.ok(Date.now() - t0 < driver.convergeMs, `stop() took ${Date.now() - t0} ms`);
    } finally {
      handles.freeze();
    }
    try {
      const deadline = Date.now() + 5_000;
      while (handles.open().length > 0 && Date.now() < deadline) await sleep(50);
      assert.deepEqual(handles.open(), [], 'handles the adapter opened and never closed');
    } finally {
      handles.end();
    }
    assert.deepEqual(aboveBaseline(baseline), [], 'active resources back to the baseline');
    const calls = l.sink.calls.length;
    await put(svc('after-stop', ['10.9.4.1', 5000]));
    await sleep(driver.quietMs);
    assert.equal(l.sink.calls.length, calls, `no sink call after stop (${l.sink.describe()})`);
  });
}

import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import type { MassDeletionSettings } from '../../src/pipeline/deletion-guard.js';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import type { RegistryService } from '../../src/model/registry.js';
import { ResourceStore } from '../../src/store/resource-store.js';
import { PrometheusTelemetry } from '../../src/telemetry/prometheus.js';
import { metricValue } from '../support/ads.js';
import { silentLogger } from '../support/bridge.js';

const svc = (name: string, healthy = true): RegistryService => ({
  id: name,
  name,
  instances: [{ address: '10.0.0.1', port: 80, labels: {}, healthy }],
});
const names = (n: number): string[] => Array.from({ length: n }, (_, i) => `s${String(i).padStart(2, '0')}`);

const HOLD = 600;

function setup(guard: MassDeletionSettings = { holdFor: HOLD, fraction: 0.5, minServices: 2 }) {
  const store = new ResourceStore();
  const metrics = new PrometheusTelemetry();
  const pipeline = new Pipeline(store, 'serviceentry', metrics, silentLogger);
  const sink = pipeline.attach({ name: 'r', type: 'consul', namespace: 'ns' }, guard);
  pipeline.seal();
  sink.replaceAll(names(10).map((n) => svc(n)));
  sink.synced();
  const served = () => store.kind('ServiceEntry').keys().length;
  const endpoints = (n: string): number => {
    const r = store.kind('ServiceEntry').get(`ns/${n}`)?.resource;
    return r?.kind === 'ServiceEntry' ? (r.spec.endpoints?.length ?? 0) : 0;
  };
  const labels = { registry: 'r', type: 'consul' };
  const held = () => metricValue(metrics, 'irb_registry_deletions_held', labels);
  const holds = () => metricValue(metrics, 'irb_registry_mass_deletion_holds_total', labels);
  const stale = () => metricValue(metrics, 'irb_registry_stale', labels);
  return { pipeline, sink, served, endpoints, held, holds, stale };
}

describe('mass-deletion guard (pipeline)', () => {
  test('a registry answering with an empty catalog keeps its services served for the hold window, marked stale, then the loss is applied', async (t) => {
    const g = setup();
    t.after(() => g.pipeline.stop());
    g.sink.replaceAll([]);
    await sleep(HOLD / 2 + 100); // past the settle delay, inside the hold
    assert.equal(g.served(), 10, 'nothing deleted while held');
    assert.equal(await g.held(), 10);
    assert.equal(await g.holds(), 1);
    assert.equal(await g.stale(), 1);
    const status = g.pipeline.status()[0]!;
    assert.equal(status.state, 'stale');
    assert.equal(status.deletionsHeld, 10);
    assert.ok(status.holdingSince);
    await sleep(HOLD + 100);
    assert.equal(g.served(), 0, 'the loss persisted: applied after the window');
    assert.equal(await g.held(), 0);
    assert.equal(await g.stale(), 0);
    assert.equal(g.pipeline.status()[0]!.state, 'synced');
  });

  test('removals arriving one call at a time (grace timers firing together) are judged as one burst', async (t) => {
    const g = setup();
    t.after(() => g.pipeline.stop());
    for (const n of names(10)) g.sink.remove(n);
    await sleep(HOLD / 2 + 100);
    assert.equal(g.served(), 10);
    assert.equal(await g.held(), 10);
  });

  test('services that come back during the hold are never deleted and the hold is released at once', async (t) => {
    const g = setup();
    t.after(() => g.pipeline.stop());
    g.sink.replaceAll([]);
    await sleep(HOLD / 2 + 100);
    assert.equal(await g.held(), 10);
    g.sink.replaceAll(names(10).map((n) => svc(n)));
    assert.equal(await g.held(), 0);
    assert.equal(await g.stale(), 0);
    await sleep(HOLD + 100);
    assert.equal(g.served(), 10);
    assert.equal(await g.holds(), 1);
  });

  test('live services losing every healthy instance at once are held with their last endpoints', async (t) => {
    const g = setup();
    t.after(() => g.pipeline.stop());
    for (const n of names(10)) g.sink.upsert(svc(n, false));
    await sleep(HOLD / 2 + 100);
    assert.equal(g.endpoints('s00'), 1, 'the last healthy endpoints are still served');
    assert.equal(await g.held(), 10);
    await sleep(HOLD + 100);
    assert.equal(g.endpoints('s00'), 0);
    assert.equal(g.served(), 10, 'the services stay; only their endpoints went');
  });

  test('a loss below the threshold is applied after the settle delay, without a hold', async (t) => {
    const g = setup();
    t.after(() => g.pipeline.stop());
    g.sink.remove('s00');
    g.sink.remove('s01');
    await sleep(HOLD + 100);
    assert.equal(g.served(), 8);
    assert.equal(await g.holds(), 0);
    assert.equal(await g.stale(), 0);
  });

  test('minServices keeps a small registry losing its only service from being held', async (t) => {
    const g = setup({ holdFor: HOLD, fraction: 0.5, minServices: 11 });
    t.after(() => g.pipeline.stop());
    g.sink.replaceAll([]);
    await sleep(HOLD + 100);
    assert.equal(g.served(), 0);
    assert.equal(await g.holds(), 0);
  });

  test('holdFor 0 turns the guard off: deletions apply synchronously', (t) => {
    const g = setup({ holdFor: 0, fraction: 0.5, minServices: 2 });
    t.after(() => g.pipeline.stop());
    g.sink.replaceAll([]);
    assert.equal(g.served(), 0);
  });

  test('a trickle of small losses adds up: once the window holds enough, the rest is held', async (t) => {
    const g = setup({ holdFor: 3000, fraction: 0.5, minServices: 2 });
    t.after(() => g.pipeline.stop());
    g.sink.remove('s00');
    g.sink.remove('s01');
    await sleep(1100);
    assert.equal(g.served(), 8, 'the first two are applied');
    for (const n of ['s02', 's03', 's04']) g.sink.remove(n);
    await sleep(1100);
    assert.equal(g.served(), 8, '5 of 10 lost within the window: held');
    assert.equal(await g.held(), 3);
  });
});

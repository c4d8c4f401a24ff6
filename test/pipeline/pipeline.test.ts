import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import { metricValue } from '../support/ads.js';
import { ResourceStore } from '../../src/store/resource-store.js';
import type { KindChange } from '../../src/store/view.js';
import { PrometheusTelemetry } from '../../src/telemetry/prometheus.js';
import type { RegistryService } from '../../src/model/registry.js';
import { silentLogger } from '../support/bridge.js';

const svc = (name: string, address: string): RegistryService => ({
  id: name,
  name,
  instances: [{ address, port: 80, labels: {}, healthy: true }],
});

function setup() {
  const store = new ResourceStore();
  const changes: KindChange[] = [];
  store.onChange((c) => changes.push(c));
  const metrics = new PrometheusTelemetry();
  const pipeline = new Pipeline(store, 'serviceentry', metrics, silentLogger);
  return { store, changes, pipeline, metrics };
}

describe('Pipeline', () => {
  test('re-sending an unchanged service produces no store change', () => {
    const { pipeline, changes } = setup();
    const sink = pipeline.attach({ name: 'r', type: 'file', namespace: 'ns' });
    sink.upsert(svc('a', '10.0.0.1'));
    assert.equal(changes.length, 1);
    sink.upsert(svc('a', '10.0.0.1'));
    sink.replaceAll([svc('a', '10.0.0.1')]);
    assert.equal(changes.length, 1);
  });

  test('an unchanged service is recognised whether the very same object or an equal new one is re-sent, and a change after either is applied', () => {
    const { pipeline, changes, store } = setup();
    const sink = pipeline.attach({ name: 'r', type: 'file', namespace: 'ns' });
    const first = svc('a', '10.0.0.1');
    sink.upsert(first);
    sink.upsert(first);
    sink.upsert(svc('a', '10.0.0.1'));
    assert.equal(changes.length, 1);
    sink.upsert(svc('a', '10.0.0.2'));
    assert.equal(changes.length, 2);
    // back to the first object: compared by content with the latest state, not skipped by identity
    sink.upsert(first);
    assert.equal(changes.length, 3);
    const endpoints = (
      store.kind('ServiceEntry').get('ns/a')!.resource.spec as { endpoints: { address: string }[] }
    ).endpoints;
    assert.deepEqual(
      endpoints.map((e) => e.address),
      ['10.0.0.1'],
    );
  });

  test('replaceAll removes services that are no longer listed and changes only what differs', () => {
    const { pipeline, changes, store } = setup();
    const sink = pipeline.attach({ name: 'r', type: 'file', namespace: 'ns' });
    sink.replaceAll([svc('a', '10.0.0.1'), svc('b', '10.0.0.2'), svc('c', '10.0.0.3')]);
    changes.length = 0;
    sink.replaceAll([svc('a', '10.0.0.1'), svc('b', '10.0.0.9')]);
    assert.deepEqual(changes, [{ kind: 'ServiceEntry', changed: ['ns/b'], removed: ['ns/c'] }]);
    assert.deepEqual(store.kind('ServiceEntry').keys(), ['ns/a', 'ns/b']);
  });

  test('two registries producing the same name: the first configured wins, the other is reported once, and takes over when the first leaves', async () => {
    const { pipeline, store, metrics } = setup();
    const first = pipeline.attach({ name: 'one', type: 'file', namespace: 'ns' });
    const second = pipeline.attach({ name: 'two', type: 'file', namespace: 'ns' });
    second.upsert(svc('a', '10.0.0.2'));
    first.upsert(svc('a', '10.0.0.1'));
    const served = () => store.kind('ServiceEntry').get('ns/a')!.resource;
    assert.equal(served().annotations['registry-bridge.io/registry-type'], 'file');
    assert.equal(served().labels['registry-bridge.io/registry'], 'one');
    assert.equal(pipeline.conflicts().length, 1);
    const loserWarnings = () => pipeline.status()[1]!.warnings.flatMap((s) => s.warnings);
    assert.ok(loserWarnings().some((w) => w.code === 'NAME_CONFLICT'));
    // re-sending the losing service unchanged does not count the conflict again
    for (let i = 0; i < 3; i++) second.upsert(svc('a', '10.0.0.2'));
    assert.equal(await metricValue(metrics, 'irb_convert_warnings_total', { code: 'NAME_CONFLICT' }), 1);
    first.remove('a');
    assert.equal(served().labels['registry-bridge.io/registry'], 'two');
    assert.equal(pipeline.conflicts().length, 0);
    assert.equal(loserWarnings().length, 0, 'the former loser, now served, carries no conflict');
  });

  test('the store is marked complete only when every registry has synced, and only once', () => {
    const { pipeline, store } = setup();
    const a = pipeline.attach({ name: 'a', type: 'file', namespace: 'ns' });
    const b = pipeline.attach({ name: 'b', type: 'file', namespace: 'ns' });
    pipeline.seal();
    let fired = 0;
    store.onComplete(() => fired++);
    a.synced();
    assert.equal(fired, 0);
    b.synced();
    b.synced();
    assert.equal(fired, 1);
  });

  test('a registry that syncs before the others are attached does not count as all synced', () => {
    const { pipeline, store } = setup();
    let fired = 0;
    store.onComplete(() => fired++);
    const a = pipeline.attach({ name: 'a', type: 'file', namespace: 'ns' });
    a.synced();
    assert.equal(fired, 0, 'not sealed yet: more registries may follow');
    const b = pipeline.attach({ name: 'b', type: 'file', namespace: 'ns' });
    pipeline.seal();
    assert.equal(fired, 0);
    assert.equal(pipeline.allSynced(), false);
    b.synced();
    assert.equal(fired, 1);
  });

  test('an exception inside conversion is contained and other services are kept', () => {
    const { pipeline, store } = setup();
    const sink = pipeline.attach({ name: 'r', type: 'file', namespace: 'ns' });
    sink.upsert(svc('a', '10.0.0.1'));
    const bad = { id: 'b', name: 'b', instances: null } as unknown as RegistryService;
    assert.doesNotThrow(() => sink.upsert(bad));
    assert.deepEqual(store.kind('ServiceEntry').keys(), ['ns/a']);
  });

  test('a host produced by two registries is counted in irb_host_conflicts and listed, and no longer once one goes', async () => {
    const { pipeline, metrics, store } = setup();
    const consul = pipeline.attach({ name: 'consul', type: 'consul', namespace: 'consul' });
    const eureka = pipeline.attach({ name: 'eureka', type: 'eureka', namespace: 'eureka' });
    consul.upsert({ ...svc('pay', '10.0.0.1'), host: 'pay.example.com' });
    eureka.upsert({ ...svc('pay', '10.0.0.2'), host: 'pay.example.com' });
    eureka.upsert({ ...svc('other', '10.0.0.3'), host: 'other.example.com' });
    assert.equal(await metricValue(metrics, 'irb_host_conflicts'), 1);
    assert.deepEqual(pipeline.hostConflicts(), [
      { host: 'pay.example.com', registries: ['consul', 'eureka'] },
    ]);
    assert.equal(store.kind('ServiceEntry').size, 3, 'both are served: their names differ');
    eureka.remove('pay');
    assert.equal(await metricValue(metrics, 'irb_host_conflicts'), 0);
    assert.deepEqual(pipeline.hostConflicts(), []);
  });

  test('/metrics carries the process and Node.js default metrics', async () => {
    const text = await new PrometheusTelemetry().render();
    assert.match(text, /^process_resident_memory_bytes \d+/m);
    assert.match(text, /^nodejs_heap_size_used_bytes \d+/m);
  });
});

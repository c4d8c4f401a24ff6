import { describe, test, mock } from 'node:test';
import assert from 'node:assert/strict';
import type { RegistryInstance, RegistryService } from '../../../src/model/registry.js';
import { ServiceEmitter } from '../../../src/adapters/kit/service-emitter.js';
import { RecordingSink } from '../../support/recording-sink.js';

function svc(healthy: boolean[], id = 'dc1/web'): RegistryService {
  const instances: RegistryInstance[] = healthy.map((h, i) => ({
    id: `n/${i}`,
    address: `10.0.0.${i + 1}`,
    port: 80,
    labels: {},
    healthy: h,
  }));
  return { id, name: 'web', instances };
}

function setup(paused = false): {
  sink: RecordingSink;
  emitter: ServiceEmitter;
  pause: (p: boolean) => void;
} {
  const sink = new RecordingSink();
  let isPaused = paused;
  const emitter = new ServiceEmitter({ sink, graceMs: 1_000, isPaused: () => isPaused });
  return { sink, emitter, pause: (p) => (isPaused = p) };
}

describe('kit: empty-service grace period', () => {
  test('every update reaches the sink, which alone decides whether it changed', () => {
    const { sink, emitter } = setup();
    emitter.update(svc([true]), 1);
    emitter.update(svc([true]), 1);
    assert.equal(sink.count('upsert'), 2);
  });

  test('a service whose last instance left is sent with no healthy instance but its ports kept, then removed after the grace period', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const { sink, emitter } = setup();
      emitter.update(svc([true]), 1);
      emitter.vanish(svc([]));
      assert.equal(sink.healthyCount('dc1/web'), 0);
      assert.deepEqual(
        sink.services.get('dc1/web')?.instances.map((i) => i.port),
        [80],
        'the last known port stays, so the ServiceEntry keeps its ports',
      );
      mock.timers.tick(999);
      assert.equal(sink.count('remove'), 0);
      mock.timers.tick(1);
      assert.deepEqual(sink.removedIds(), ['dc1/web']);
      assert.equal(emitter.has('dc1/web'), false);
    } finally {
      mock.timers.reset();
    }
  });

  test('an all-unhealthy service is sent with zero healthy instances and removed after the grace period', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const { sink, emitter } = setup();
      emitter.update(svc([true, true]), 2);
      emitter.update(svc([false, false]), 0);
      assert.equal(sink.healthyCount('dc1/web'), 0);
      assert.equal(sink.services.get('dc1/web')?.instances.length, 2);
      mock.timers.tick(1_000);
      assert.deepEqual(sink.removedIds(), ['dc1/web']);
      // still unhealthy: stays removed, no flapping re-upsert
      emitter.update(svc([false, false]), 0);
      mock.timers.tick(5_000);
      assert.equal(sink.services.has('dc1/web'), false);
      assert.equal(sink.count('remove'), 1);
      // healthy again: sent again
      emitter.update(svc([true, false]), 1);
      assert.equal(sink.healthyCount('dc1/web'), 1);
    } finally {
      mock.timers.reset();
    }
  });

  test('a service that comes back within the grace period is never removed', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const { sink, emitter } = setup();
      emitter.update(svc([true]), 1);
      emitter.vanish(svc([]));
      mock.timers.tick(500);
      emitter.update(svc([true]), 1);
      mock.timers.tick(5_000);
      assert.equal(sink.count('remove'), 0);
      assert.equal(sink.healthyCount('dc1/web'), 1);
    } finally {
      mock.timers.reset();
    }
  });

  test('nothing is removed while paused (registry unreachable); removal waits for a full grace period after', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const { sink, emitter, pause } = setup();
      emitter.update(svc([true]), 1);
      emitter.vanish(svc([]));
      pause(true);
      mock.timers.tick(10_000);
      assert.equal(sink.count('remove'), 0);
      pause(false);
      mock.timers.tick(1_000);
      assert.equal(sink.count('remove'), 1);
    } finally {
      mock.timers.reset();
    }
  });

  test('stop() clears the timers: nothing is removed afterwards', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const { sink, emitter } = setup();
      emitter.update(svc([false]), 0);
      emitter.stop();
      mock.timers.tick(10_000);
      assert.equal(sink.count('remove'), 0);
      emitter.update(svc([true]), 1);
      assert.equal(sink.count('upsert'), 1);
    } finally {
      mock.timers.reset();
    }
  });

  test('a vanished service never sent is ignored', () => {
    const { sink, emitter } = setup();
    emitter.vanish(svc([]));
    assert.equal(sink.calls.length, 0);
  });
});

import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BridgeError } from '../../../src/errors.js';
import { ConsulAgent, describeWithConsul, ttlCheck } from '../../support/consul.js';
import { sleep, startAdapter, type RunningAdapter } from './harness.js';

describeWithConsul('consul adapter when Consul is killed and restarted', (bin) => {
  let consul: ConsulAgent | undefined;
  let running: RunningAdapter | undefined;
  afterEach(async () => {
    await running?.stop();
    await consul?.stop();
    running = undefined;
    consul = undefined;
  });

  const services = ['rs-a', 'rs-b', 'rs-c'];
  const registerAll = async (agent: ConsulAgent): Promise<void> => {
    for (const [i, s] of services.entries()) {
      await agent.registerService({
        ID: `${s}-1`,
        Name: s,
        Address: `10.7.0.${i + 1}`,
        Port: 8080,
        Checks: [ttlCheck(`${s}-ttl`)],
      });
      // A TTL check's registered status is not persisted, only a TTL update is: without
      // this, a restarted agent brings the checks back critical (Consul's behaviour).
      await agent.setCheck(`${s}-ttl`, 'passing');
    }
  };

  test('state survives an outage longer than emptyGracePeriod: nothing removed while down, stale meanwhile, resync after restart (persistent Consul)', async () => {
    consul = await ConsulAgent.start(bin, { persistent: true });
    await registerAll(consul);
    running = await startAdapter(consul.address, { services: { include: ['rs-*'] }, emptyGracePeriod: '1s' });
    const { sink } = running;
    await sink.waitFor('synced', () => sink.isSynced);
    assert.equal(sink.services.size, 3);
    const before = JSON.stringify([...sink.services.values()]);
    const upserts = sink.changedUpserts;

    await consul.kill();
    await sink.waitFor('stale', () => sink.isStale, 5_000);
    assert.equal((sink.lastError as BridgeError).code, 'IRB_REGISTRY_UNREACHABLE');
    await sleep(3_000); // three grace periods
    assert.equal(sink.count('remove'), 0, 'nothing removed while Consul is down');
    assert.equal(sink.changedUpserts, upserts, 'nothing changed while Consul is down');
    assert.equal(JSON.stringify([...sink.services.values()]), before);

    await consul.restart();
    await sink.waitFor('fresh again', () => !sink.isStale, 15_000);
    assert.equal(sink.count('remove'), 0, 'nothing that still exists was removed');
    assert.equal(JSON.stringify([...sink.services.values()]), before, 'same state after resync');

    // The watches run again: changes after the restart arrive.
    await consul.setCheck('rs-a-ttl', 'critical');
    await consul.deregisterService('rs-c-1');
    await sink.waitFor('health change after restart', () => sink.healthyCount('dc1/rs-a') === 0);
    await sink.waitFor('removal after restart', () => sink.removedIds().includes('dc1/rs-c'));
  });

  test('a dev Consul that restarts empty: services re-registered within emptyGracePeriod are never removed, the rest is removed after it', async () => {
    consul = await ConsulAgent.start(bin);
    await registerAll(consul);
    running = await startAdapter(consul.address, { services: { include: ['rs-*'] }, emptyGracePeriod: '4s' });
    const { sink } = running;
    await sink.waitFor('synced', () => sink.isSynced);

    await consul.kill();
    await sink.waitFor('stale', () => sink.isStale, 5_000);
    await sleep(2_000);
    assert.equal(sink.count('remove'), 0);

    await consul.restart(); // in-memory state is gone; the index starts again from low numbers
    await consul.registerService({ ID: 'rs-a-1', Name: 'rs-a', Address: '10.7.0.1', Port: 9090 });
    await consul.registerService({ ID: 'rs-b-1', Name: 'rs-b', Address: '10.7.0.2', Port: 8080 });
    const restartedAt = Date.now();
    await sink.waitFor('fresh again', () => !sink.isStale, 15_000);
    await sink.waitFor('new port of rs-a', () => sink.services.get('dc1/rs-a')?.instances[0]?.port === 9090);
    await sink.waitFor('rs-c removed', () => sink.removedIds().includes('dc1/rs-c'), 15_000);
    assert.ok(Date.now() - restartedAt >= 3_000, 'rs-c was kept for the grace period');
    assert.deepEqual(sink.removedIds(), ['dc1/rs-c'], 'rs-a and rs-b were never removed');
    assert.equal(sink.healthyCount('dc1/rs-b'), 1);
  });
});

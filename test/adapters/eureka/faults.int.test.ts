import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { eventually } from '../../support/bridge.js';
import { EurekaServer, describeWithEureka } from '../../support/eureka.js';
import {
  HOLD_MS,
  STALE_AFTER_MS,
  refillNothingDeleted,
  staleWithinBound,
  startFaultBridge,
  waitHeld,
  type FaultBridge,
} from '../../support/faults.js';

const N = 10;
const apps = Array.from({ length: N }, (_, i) => `FAULT-${i}`);

describeWithEureka('eureka faults (real server): freeze, kill and restart empty, wipe', (fixture) => {
  let server: EurekaServer;
  let fb: FaultBridge;
  const registerAll = async (): Promise<void> => {
    for (const [i, app] of apps.entries()) {
      await server.register({ app, id: `${app.toLowerCase()}-1`, ip: `10.6.0.${i + 1}` });
    }
  };

  before(async () => {
    server = await EurekaServer.start(fixture); // in memory: a restart comes back empty
    await registerAll();
    fb = await startFaultBridge({
      type: 'eureka',
      address: server.address,
      services: { include: ['fault-*'] },
      refreshInterval: '500ms',
      // Eureka can keep serving a delta that misses a registration made while that delta was
      // being built (a lost cache invalidation, up to 180 s): the refill below registers ten
      // instances back to back under the bridge's polling, and a full fetch inside the hold
      // window is what brings such a write in (docs/registry-eureka.md).
      fullFetchInterval: '2s',
      emptyGracePeriod: '1s',
    });
    assert.equal(fb.served(), N);
  });
  after(async () => {
    await fb?.stop();
    await server?.stop();
  });

  test('frozen (SIGSTOP) past its timeouts: stale within staleAfter, nothing deleted, fresh again after SIGCONT', async (t) => {
    fb.markLowest();
    server.freeze();
    const detected = await staleWithinBound(fb);
    t.diagnostic(`eureka frozen: stale after ${detected} ms (bound ${STALE_AFTER_MS} ms)`);
    await sleep(STALE_AFTER_MS * 2);
    server.thaw();
    const recovered = await fb.waitStale(false, 20_000);
    t.diagnostic(`eureka thawed: fresh again after ${recovered} ms`);
    assert.equal(fb.lowest(), N, 'nothing was deleted');
  });

  test('killed and restarted empty: stale, the empty registry is held, instances re-registered in the window are never deleted', async (t) => {
    fb.markLowest();
    await server.kill();
    const detected = await fb.waitStale(true, STALE_AFTER_MS + 3_000);
    t.diagnostic(`eureka killed: stale after ${detected} ms`);
    await server.restart();
    await waitHeld(fb, N, 20_000);
    await refillNothingDeleted(fb, N, registerAll);
  });

  test('every instance deregistered at once and never refilled: the loss is applied once the hold window ends (full convergence)', async (t) => {
    const start = Date.now();
    for (const app of apps) await server.deregister(app, `${app.toLowerCase()}-1`);
    await eventually(
      async () => ((await fb.metric('irb_registry_deletions_held')) === N ? true : undefined),
      20_000,
    );
    assert.equal(fb.served(), N);
    await eventually(() => (fb.served() === 0 ? true : undefined), HOLD_MS + 15_000);
    t.diagnostic(`eureka left empty: services withdrawn ${Date.now() - start} ms after the deregistrations`);
    assert.equal(await fb.metric('irb_registry_mass_deletion_holds_total'), 2);
    await fb.waitStale(false, 5_000);
  });
});

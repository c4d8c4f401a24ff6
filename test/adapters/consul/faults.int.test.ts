import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { ConsulAgent, describeWithConsul } from '../../support/consul.js';
import { eventually } from '../../support/bridge.js';
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
const names = Array.from({ length: N }, (_, i) => `fault-${i}`);

describeWithConsul('consul faults (real agent): freeze, kill, restart empty', (bin) => {
  let consul: ConsulAgent;
  let fb: FaultBridge;
  const registerAll = async (): Promise<void> => {
    for (const [i, name] of names.entries()) {
      await consul.registerService({ ID: `${name}-1`, Name: name, Address: `10.9.0.${i + 1}`, Port: 8080 });
    }
  };

  before(async () => {
    consul = await ConsulAgent.start(bin); // dev mode: a restart comes back empty
    await registerAll();
    fb = await startFaultBridge({
      type: 'consul',
      address: consul.address,
      services: { include: ['fault-*'] },
      emptyGracePeriod: '1s',
    });
    assert.equal(fb.served(), N);
  });
  after(async () => {
    await fb?.stop();
    await consul?.stop();
  });

  test('frozen (SIGSTOP) past its timeouts: stale within staleAfter, nothing deleted, fresh again after SIGCONT', async (t) => {
    fb.markLowest();
    consul.freeze();
    const detected = await staleWithinBound(fb);
    t.diagnostic(`consul frozen: stale after ${detected} ms (bound ${STALE_AFTER_MS} ms)`);
    assert.equal(await fb.metric('irb_registry_stale'), 1);
    await sleep(STALE_AFTER_MS * 2);
    consul.thaw();
    const recovered = await fb.waitStale(false, 15_000);
    t.diagnostic(`consul thawed: fresh again after ${recovered} ms`);
    assert.equal(fb.lowest(), N, 'nothing was deleted');
  });

  test('killed and restarted empty: stale at once, the empty catalog is held, services re-registered in the window are never deleted', async (t) => {
    fb.markLowest();
    await consul.kill();
    const detected = await fb.waitStale(true, STALE_AFTER_MS + 3_000);
    t.diagnostic(`consul killed: stale after ${detected} ms`);
    await consul.restart();
    // The empty catalog: after emptyGracePeriod the removals reach the guard, which holds them.
    await waitHeld(fb, N, 15_000);
    assert.equal(await fb.metric('irb_registry_mass_deletion_holds_total'), 1);
    const converged = await refillNothingDeleted(fb, N, registerAll);
    t.diagnostic(`consul re-registered: hold released, fresh ${converged} ms later`);
  });

  test('restarted empty and never refilled: the loss is applied once the hold window ends (full convergence)', async (t) => {
    await consul.restart();
    const start = Date.now();
    await eventually(
      async () => ((await fb.metric('irb_registry_deletions_held')) === N ? true : undefined),
      15_000,
    );
    assert.equal(fb.served(), N);
    await eventually(() => (fb.served() === 0 ? true : undefined), HOLD_MS + 10_000);
    t.diagnostic(
      `consul left empty: services withdrawn ${Date.now() - start} ms after the restart (grace 1 s + hold ${HOLD_MS} ms)`,
    );
    assert.equal(await fb.metric('irb_registry_mass_deletion_holds_total'), 2);
    await fb.waitStale(false, 5_000);
  });
});

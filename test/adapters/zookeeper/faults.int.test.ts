import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { DubboZk, providerUrl } from '../../support/dubbo-zk.js';
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
import { ZooKeeperServer, describeWithZooKeeper } from '../../support/zookeeper.js';

const N = 10;
const ifaces = Array.from({ length: N }, (_, i) => `org.example.fault.Service${i}`);

describeWithZooKeeper('zookeeper faults (real server): freeze, kill and restart, wipe', (install) => {
  let zk: ZooKeeperServer;
  let fb: FaultBridge;
  const registerAll = async (): Promise<void> => {
    const writer = await DubboZk.connect(zk.address);
    try {
      for (const [i, iface] of ifaces.entries()) {
        await writer.registerProvider(iface, providerUrl({ host: `10.8.0.${i + 1}`, port: 20880, iface }), {
          ephemeral: false,
        });
      }
    } finally {
      await writer.close();
    }
  };
  /** Deletes every provider at once, as a wiped registry would look. */
  const wipe = async (): Promise<void> => {
    const writer = await DubboZk.connect(zk.address);
    try {
      for (const [i, iface] of ifaces.entries()) {
        await writer.unregisterProvider(iface, providerUrl({ host: `10.8.0.${i + 1}`, port: 20880, iface }));
      }
    } finally {
      await writer.close();
    }
  };

  before(async () => {
    zk = await ZooKeeperServer.start(install);
    await registerAll();
    fb = await startFaultBridge({
      type: 'zookeeper',
      address: zk.address,
      mode: 'interface',
      sessionTimeout: '4s',
      emptyGracePeriod: '1s',
    });
    assert.equal(fb.served(), N);
  });
  after(async () => {
    await fb?.stop();
    await zk?.stop();
  });

  test('frozen (SIGSTOP) past its session timeout: stale within staleAfter, nothing deleted, fresh again after SIGCONT', async (t) => {
    fb.markLowest();
    zk.freeze();
    const detected = await staleWithinBound(fb);
    t.diagnostic(`zookeeper frozen: stale after ${detected} ms (bound ${STALE_AFTER_MS} ms)`);
    await sleep(5_000); // past the 4 s session timeout
    zk.thaw();
    const recovered = await fb.waitStale(false, 20_000);
    t.diagnostic(`zookeeper thawed: fresh again after ${recovered} ms`);
    assert.equal(fb.served(), N);
    assert.equal(fb.lowest(), N, 'nothing was deleted');
  });

  test('killed and restarted (data kept): stale at once, nothing deleted, fresh again after the restart', async (t) => {
    fb.markLowest();
    await zk.kill();
    const detected = await fb.waitStale(true, STALE_AFTER_MS + 3_000);
    t.diagnostic(`zookeeper killed: stale after ${detected} ms`);
    await sleep(2_000); // past emptyGracePeriod
    await zk.restart();
    const recovered = await fb.waitStale(false, 20_000);
    t.diagnostic(`zookeeper restarted: fresh again after ${recovered} ms`);
    assert.equal(fb.lowest(), N, 'nothing was deleted');
  });

  test('wiped (every provider gone at once): the loss is held, providers re-registered in the window are never deleted', async () => {
    fb.markLowest();
    await wipe();
    await waitHeld(fb, N, 15_000);
    await refillNothingDeleted(fb, N, registerAll);
  });

  test('data dir wiped and restarted empty: the refused old session is replaced, the loss is held, then applied (full convergence)', async (t) => {
    fb.markLowest();
    const start = Date.now();
    // The new server has never seen the bridge's session nor its last zxid: it refuses to resume it.
    await zk.wipe();
    const restarted = Date.now() - start;
    await eventually(
      async () => ((await fb.metric('irb_registry_deletions_held')) === N ? true : undefined),
      15_000,
    );
    const held = Date.now() - start;
    assert.equal(fb.served(), N);
    assert.equal(fb.lowest(), N, 'nothing deleted before the hold window ends');
    await eventually(() => (fb.served() === 0 ? true : undefined), HOLD_MS + 15_000);
    t.diagnostic(
      `zookeeper wiped and restarted: server up after ${restarted} ms, loss held after ${held} ms, services withdrawn ${Date.now() - start} ms after the wipe`,
    );
    assert.equal(await fb.metric('irb_registry_mass_deletion_holds_total'), 2);
    await fb.waitStale(false, 5_000);
  });
});

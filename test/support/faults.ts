/**
 * Fault tests against real registries: an in-process bridge with one
 * registry, a short mass-deletion hold and a short staleAfter, that records
 * the fewest ServiceEntries it ever served (so "nothing wrongly deleted" is
 * checked at every store change, not only when sampled).
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { adapterCatalog } from '../../src/adapters/catalog/catalog.js';
import { Bridge } from '../../src/bridge.js';
import { parseConfig } from '../../src/config/load.js';
import type { RegistryStatus } from '../../src/pipeline/status.js';
import { metricValue } from './ads.js';
import { eventually, silentLogger } from './bridge.js';

/**
 * The mass-deletion hold of the fault tests. A registry restarted empty must
 * get its instances back inside it; with 5 s, a clean-clone CI run (test files
 * in parallel on 2 cores) saw a restarted Eureka list only 8 of 10 re-registered
 * instances before the window ended, so the other 2 were (rightly) deleted.
 */
export const HOLD_MS = 10_000;
export const STALE_AFTER_MS = 2_000;

export interface FaultBridge {
  readonly bridge: Bridge;
  /** ServiceEntries served now. */
  served(): number;
  /** The fewest ServiceEntries served since the last `markLowest()`. */
  lowest(): number;
  markLowest(): void;
  status(): RegistryStatus;
  metric(name: string): Promise<number>;
  /** Waits until the registry's stale state is `stale`; returns how long that took (ms). */
  waitStale(stale: boolean, timeoutMs: number): Promise<number>;
  stop(): Promise<void>;
}

export async function startFaultBridge(registry: Record<string, unknown>): Promise<FaultBridge> {
  const dir = mkdtempSync(join(tmpdir(), 'irb-faults-'));
  const config = parseConfig(
    {
      xds: { address: '127.0.0.1:0', debounce: 0 },
      admin: { address: '127.0.0.1:0' },
      massDeletion: { holdFor: `${HOLD_MS}ms`, fraction: 0.5, minServices: 2 },
      registries: [{ name: 'reg', staleAfter: `${STALE_AFTER_MS}ms`, ...registry }],
    },
    adapterCatalog,
    dir,
  );
  const bridge = new Bridge(config, silentLogger);
  const count = (): number => bridge.store.kind('ServiceEntry').size;
  let low = Number.POSITIVE_INFINITY;
  bridge.store.onChange(() => {
    low = Math.min(low, count());
  });
  await bridge.serve();
  await bridge.waitSynced(30_000);
  const status = (): RegistryStatus => bridge.pipeline.status()[0]!;
  const type = String(registry.type);
  return {
    bridge,
    served: count,
    lowest: () => Math.min(low, count()),
    markLowest: () => {
      low = count();
    },
    status,
    metric: (name): Promise<number> => metricValue(bridge.metrics, name, { registry: 'reg', type }),
    waitStale: async (stale, timeoutMs) => {
      const start = Date.now();
      await eventually(() => ((status().state === 'stale') === stale ? true : undefined), timeoutMs);
      return Date.now() - start;
    },
    stop: () => bridge.stop(),
  };
}

/** Waits until the mass-deletion guard holds the deletion of `n` services, and checks the registry shows stale. */
export async function waitHeld(fb: FaultBridge, n: number, timeoutMs: number): Promise<void> {
  await eventually(
    async () => ((await fb.metric('irb_registry_deletions_held')) === n ? true : undefined),
    timeoutMs,
  );
  assert.equal(fb.status().state, 'stale');
}

/**
 * Refills the registry inside the hold window, then checks the hold is released,
 * the registry fresh again, all `n` services served after the window, and none
 * deleted at any moment since `markLowest()`. Returns how long after the refill
 * the registry was fresh (ms).
 */
export async function refillNothingDeleted(
  fb: FaultBridge,
  n: number,
  refill: () => Promise<void>,
): Promise<number> {
  await refill();
  await eventually(
    async () => ((await fb.metric('irb_registry_deletions_held')) === 0 ? true : undefined),
    15_000,
  );
  const fresh = await fb.waitStale(false, 15_000);
  await sleep(HOLD_MS + 1_000);
  assert.equal(fb.served(), n);
  assert.equal(fb.lowest(), n, 'no service was deleted at any moment');
  return fresh;
}

/** Waits for the registry to be reported stale and checks it happened within `staleAfter` (1 s slack); returns the ms it took. */
export async function staleWithinBound(fb: FaultBridge): Promise<number> {
  const detected = await fb.waitStale(true, STALE_AFTER_MS + 3_000);
  assert.ok(detected <= STALE_AFTER_MS + 1_000, `stale after ${detected} ms`);
  return detected;
}

/**
 * Fault tests against real registries: an in-process bridge with one
 * registry, a short mass-deletion hold and a short staleAfter, that records
 * the fewest ServiceEntries it ever served (so "nothing wrongly deleted" is
 * checked at every store change, not only when sampled).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adapterCatalog } from '../../src/adapters/catalog/catalog.js';
import { Bridge } from '../../src/bridge.js';
import { parseConfig } from '../../src/config/load.js';
import type { RegistryStatus } from '../../src/pipeline/status.js';
import { metricValue } from './ads.js';
import { eventually, silentLogger } from './bridge.js';

export const HOLD_MS = 5_000;
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

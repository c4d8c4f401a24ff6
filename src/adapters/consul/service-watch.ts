import { BridgeError } from '../../errors.js';
import { AbortedError } from '../kit/aborted.js';
import type { Backoff } from '../kit/backoff.js';
import type { Gate } from '../kit/gate.js';
import type { Semaphore } from '../kit/semaphore.js';
import { runBlockingLoop } from './blocking-loop.js';
import type { ConsulClient } from './client.js';
import type { QueryScope } from './query-scope.js';
import { sharedWaitMs } from './semaphore.js';

export interface ServiceWatchOptions {
  readonly client: ConsulClient;
  readonly name: string;
  readonly scope: QueryScope;
  readonly waitMs: number;
  readonly signal: AbortSignal;
  readonly backoff: Backoff;
  /** The datacenter's gate: no request while its catalog watch fails. */
  readonly gate: Gate;
  /** Shared slots for all health queries of the registry. */
  readonly slots: Semaphore;
  /** How many service watches share the slots now. */
  readonly watches: () => number;
  readonly onEntries: (entries: readonly unknown[]) => void;
  readonly onOk: () => void;
  readonly onError: (err: Error) => void;
}

/**
 * Blocking watch on /v1/health/service/<name> (all instances, any health; the
 * health policy is applied when mapping). Each request holds one shared slot.
 */
export function watchService(o: ServiceWatchOptions): Promise<void> {
  const path = `v1/health/service/${encodeURIComponent(o.name)}`;
  let epoch = o.gate.epoch;
  return runBlockingLoop({
    signal: o.signal,
    backoff: o.backoff,
    fetch: async (index, signal) => {
      if (!(await o.gate.wait(signal))) throw new AbortedError();
      // First fetches answer at once, so they go before blocking re-arms.
      const fresh = index === 0n || o.gate.epoch !== epoch;
      const release = await o.slots.acquire(fresh ? 'high' : 'low', signal);
      try {
        // If the datacenter was unreachable since the last request, Consul may
        // have restarted and reached this very index with other data: fetch afresh.
        const sentIndex = o.gate.epoch === epoch ? index : 0n;
        epoch = o.gate.epoch;
        const waitMs = sharedWaitMs(o.waitMs, o.slots.size, o.watches());
        const res = await o.client.get(path, { ...o.scope, index: sentIndex, waitMs, signal });
        return { ...res, sentIndex };
      } finally {
        release();
      }
    },
    onData: (body) => {
      if (!Array.isArray(body)) {
        throw new BridgeError(
          'IRB_CONSUL_BAD_RESPONSE',
          `Consul at ${o.client.address} answered /${path} with something other than a list`,
        );
      }
      o.onEntries(body);
    },
    onOk: o.onOk,
    onError: o.onError,
  });
}

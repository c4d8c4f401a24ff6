import type { Logger } from 'pino';
import type { RegistryService } from '../model/registry.js';

/** What an adapter reports about itself; shown on /debug/registries and in metrics. */
export type AdapterState = 'starting' | 'synced' | 'stale' | 'stopped';

/**
 * Where an adapter sends what it finds. Calls may come at any time after
 * `start()` was called; the pipeline diffs them, so re-sending an unchanged
 * service costs a comparison, no conversion and no push. A service object,
 * once sent, is never changed: a change is sent as a new object (re-sending
 * the very same object is recognised as "unchanged" without reading it).
 */
export interface RegistrySink {
  /** Adds or replaces one service (keyed by `service.id`). */
  upsert(service: RegistryService): void;
  /** Removes one service by id; unknown ids are ignored. */
  remove(serviceId: string): void;
  /** Replaces the adapter's whole state: services not listed are removed. */
  replaceAll(services: readonly RegistryService[]): void;
  /**
   * The first complete sync is done: everything the registry holds has been
   * sent. Until every adapter has called this, ServiceEntry/WorkloadEntry are
   * not answered. Calling it again is harmless.
   */
  synced(): void;
  /**
   * The registry cannot be reached (`stale: true`, with the error) or was
   * reached again (`stale: false`). State is kept while stale.
   */
  setStale(stale: boolean, error?: Error): void;
  /** Counts and logs a piece of bad registry input that was skipped. */
  reportBadInput(what: string, detail: string): void;
}

export interface AdapterContext {
  readonly sink: RegistrySink;
  readonly logger: Logger;
}

/**
 * One registry connection. Lifecycle: `start` once, then `stop` once.
 * `start` resolves when watching has begun (not necessarily synced) and
 * rejects only for configuration errors that retrying cannot fix; transient
 * registry errors are retried inside the adapter and reported with `setStale`.
 */
export interface RegistryAdapter {
  readonly name: string;
  readonly type: string;
  start(ctx: AdapterContext): Promise<void>;
  stop(): Promise<void>;
}

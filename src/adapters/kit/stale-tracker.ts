/** Kit: turns the errors of many watches into few `sink.setStale` calls (stale while any fails). */
import type { Logger } from 'pino';
import type { RegistrySink } from '../adapter.js';
import { BridgeError } from '../../errors.js';

/** Error codes every registry shares, most urgent first. */
export const COMMON_ERROR_PRIORITY: readonly string[] = ['IRB_REGISTRY_AUTH', 'IRB_REGISTRY_UNREACHABLE'];

export interface StaleTrackerOptions {
  readonly sink: RegistrySink;
  readonly logger: Logger;
  /** Prefix of the log lines, e.g. the registry type. */
  readonly label: string;
  /**
   * BridgeError codes in the order they are shown when several sources fail
   * (most urgent first); errors without a listed code come last.
   */
  readonly priority?: readonly string[];
}

/**
 * Collects the current errors of all requests (keyed by source, e.g.
 * `catalog/dc1`) and turns them into `sink.setStale` calls: stale while any
 * source fails, fresh again when all have answered since. `setStale(true)` is
 * called again only when the headline error changes, so a long outage with
 * many watches is one log line, not thousands.
 */
export class StaleTracker {
  private readonly errors = new Map<string, Error>();
  private readonly priority: readonly string[];
  private reported: string | undefined;

  constructor(private readonly o: StaleTrackerOptions) {
    this.priority = o.priority ?? COMMON_ERROR_PRIORITY;
  }

  get stale(): boolean {
    return this.errors.size > 0;
  }

  /** Whether this source's last request failed. */
  failing(source: string): boolean {
    return this.errors.has(source);
  }

  fail(source: string, err: Error): void {
    this.errors.set(source, err);
    const headline = this.headline()!;
    if (this.reported === headline.message) return;
    this.reported = headline.message;
    const code = headline instanceof BridgeError ? headline.code : undefined;
    this.o.logger.warn(
      { code, source, failing: this.errors.size },
      `${this.o.label}: ${headline.message}; keeping the last known state and retrying`,
    );
    this.o.sink.setStale(true, headline);
  }

  ok(source: string): void {
    if (!this.errors.delete(source)) return;
    if (this.errors.size > 0 || this.reported === undefined) return;
    this.reported = undefined;
    this.o.logger.info(`${this.o.label}: reachable again; state is current`);
    this.o.sink.setStale(false);
  }

  /** Forgets a source that no longer runs (a stopped watch). */
  drop(source: string): void {
    this.ok(source);
  }

  private rank(err: Error): number {
    const i = err instanceof BridgeError ? this.priority.indexOf(err.code) : -1;
    return i < 0 ? this.priority.length : i;
  }

  private headline(): Error | undefined {
    let best: Error | undefined;
    for (const err of this.errors.values()) {
      if (best === undefined || this.rank(err) < this.rank(best)) best = err;
    }
    return best;
  }
}

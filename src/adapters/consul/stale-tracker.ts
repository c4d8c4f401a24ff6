import type { Logger } from 'pino';
import type { RegistrySink } from '../adapter.js';
import { BridgeError } from '../../errors.js';

/** Which error is shown when several sources fail: the one the user must act on first. */
const PRIORITY: readonly string[] = [
  'IRB_REGISTRY_AUTH',
  'IRB_CONSUL_UNKNOWN_DATACENTER',
  'IRB_CONSUL_BAD_REQUEST',
  'IRB_REGISTRY_UNREACHABLE',
];

function rank(err: Error): number {
  const i = err instanceof BridgeError ? PRIORITY.indexOf(err.code) : -1;
  return i < 0 ? PRIORITY.length : i;
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
  private reported: string | undefined;

  constructor(
    private readonly sink: RegistrySink,
    private readonly logger: Logger,
  ) {}

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
    this.logger.warn(
      { code, source, failing: this.errors.size },
      `consul: ${headline.message}; keeping the last known state and retrying`,
    );
    this.sink.setStale(true, headline);
  }

  ok(source: string): void {
    if (!this.errors.delete(source)) return;
    if (this.errors.size > 0 || this.reported === undefined) return;
    this.reported = undefined;
    this.logger.info('consul: reachable again; state is current');
    this.sink.setStale(false);
  }

  /** Forgets a source that no longer runs (a stopped watch). */
  drop(source: string): void {
    this.ok(source);
  }

  private headline(): Error | undefined {
    let best: Error | undefined;
    for (const err of this.errors.values()) if (best === undefined || rank(err) < rank(best)) best = err;
    return best;
  }
}

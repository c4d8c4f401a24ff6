/**
 * The Eureka read loop: one full fetch, then a delta every refreshInterval,
 * applied to the local copy by instanceId and verified against the server's
 * `apps__hashcode`; a full fetch again on a mismatch, after an error, after
 * a switch to another server, when deltas may have been missed, and every
 * `fullFetchInterval`.
 */
import type { Logger } from 'pino';
import type { RegistrySink } from '../adapter.js';
import { BridgeError, errorMessage } from '../../errors.js';
import { Backoff } from '../kit/backoff.js';
import { delay, spaceFrom } from '../kit/delay.js';
import { StaleTracker } from '../kit/stale-tracker.js';
import { runLiveness } from '../kit/liveness.js';
import type { EurekaClient, FetchKind } from './client.js';
import { EurekaEmitter } from './emit.js';
import { RegistryMirror } from './mirror.js';
import type { EurekaSettings } from './settings.js';
import { parseApplications, WIRE_LIMITS, type Applications } from './wire.js';

/**
 * A delta holds the changes of the last few minutes (3 by default, the
 * server's retention-time-in-ms-in-delta-queue). When the last answer is
 * older than this, changes may have dropped out of the delta queue unseen,
 * and a full fetch is made instead.
 */
export const MAX_DELTA_GAP_MS = 90_000;

const SOURCE = 'eureka';

/** What decides between a full fetch and a delta. */
export interface ReadState {
  /** The last read failed, or none was made yet. */
  readonly needFull: boolean;
  /** The last full answer's hashcode matched its instances. */
  readonly verifiable: boolean;
  /** When the last answer was applied (Date.now()). */
  readonly lastAnswerAt: number;
  /** When the last full answer was applied (Date.now()). */
  readonly lastFullAt: number;
  /** The `fullFetchInterval` setting (ms); 0: only when needed. */
  readonly fullEveryMs: number;
}

/**
 * Whether the next read must be a full fetch rather than a delta. Besides
 * the cases where deltas cannot continue the copy, a full fetch comes every
 * `fullFetchInterval`: a delta that verifies can still be stale. Eureka
 * caches its answers (a Guava cache, kept up to 180 s by default), and a
 * write whose invalidation lands while the delta is being built is lost to
 * that cache (Guava issue 1881); the stale delta's hashcode matches its own
 * content, so only a full answer brings the write in before the entry expires.
 */
export function needsFullFetch(s: ReadState, now: number): boolean {
  return (
    s.needFull ||
    !s.verifiable ||
    now - s.lastAnswerAt > MAX_DELTA_GAP_MS ||
    (s.fullEveryMs > 0 && now - s.lastFullAt >= s.fullEveryMs)
  );
}

export interface PollerOptions {
  readonly client: EurekaClient;
  readonly settings: EurekaSettings;
  readonly sink: RegistrySink;
  readonly logger: Logger;
}

/** Numbers for /debug, tests and the benchmark. */
export interface EurekaStats {
  readonly server: string;
  readonly synced: boolean;
  readonly stale: boolean;
  readonly apps: number;
  readonly instances: number;
  readonly fullFetches: number;
  readonly deltaFetches: number;
  /** Deltas after which the copy did not match the server's apps__hashcode. */
  readonly hashMismatches: number;
  readonly lastFullBytes: number;
  readonly lastDeltaBytes: number;
  readonly pendingRemovals: number;
}

export class EurekaPoller {
  private readonly abort = new AbortController();
  private readonly stale: StaleTracker;
  private readonly emitter: EurekaEmitter;
  private readonly mirror: RegistryMirror;
  private running: Promise<void> | undefined;
  private probing: Promise<void> | undefined;
  private synced = false;
  private needFull = true;
  /** The full answer's own hashcode matched its instances, so deltas can be verified. */
  private verifiable = true;
  private lastServer: string | undefined;
  private lastAnswerAt = 0;
  private lastFullAt = 0;
  private counts = { full: 0, delta: 0, mismatches: 0, fullBytes: 0, deltaBytes: 0 };

  constructor(private readonly o: PollerOptions) {
    this.stale = new StaleTracker({ sink: o.sink, logger: o.logger, label: 'eureka' });
    this.emitter = new EurekaEmitter({
      settings: o.settings,
      sink: o.sink,
      logger: o.logger,
      isPaused: () => this.stale.stale,
    });
    this.mirror = new RegistryMirror((app) => this.emitter.selects(app));
  }

  start(): void {
    this.running = this.run().catch((err: unknown) => {
      this.o.logger.error({ err: errorMessage(err) }, 'eureka: read loop failed unexpectedly');
    });
    this.probing = runLiveness({
      probe: (signal, timeoutMs) => this.o.client.probe(signal, timeoutMs),
      staleAfterMs: this.o.settings.staleAfter,
      tracker: this.stale,
      signal: this.abort.signal,
      label: `Eureka at ${this.o.client.server}`,
    }).catch((err: unknown) => {
      this.o.logger.error({ err: errorMessage(err) }, 'eureka: liveness loop failed unexpectedly');
    });
  }

  /** Aborts the request in flight and every timer; resolves when the loop has ended. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.emitter.stop();
    await this.running;
    await this.probing;
  }

  stats(): EurekaStats {
    return {
      server: this.o.client.server,
      synced: this.synced,
      stale: this.stale.stale,
      apps: this.mirror.appNames().length,
      instances: this.mirror.size,
      fullFetches: this.counts.full,
      deltaFetches: this.counts.delta,
      hashMismatches: this.counts.mismatches,
      lastFullBytes: this.counts.fullBytes,
      lastDeltaBytes: this.counts.deltaBytes,
      pendingRemovals: this.emitter.pendingRemovals,
    };
  }

  private async run(): Promise<void> {
    const s = this.o.settings;
    const signal = this.abort.signal;
    const backoff = new Backoff(s.backoff.initial, s.backoff.max);
    while (!signal.aborted) {
      const started = Date.now();
      try {
        const full = needsFullFetch(
          {
            needFull: this.needFull,
            verifiable: this.verifiable,
            lastAnswerAt: this.lastAnswerAt,
            lastFullAt: this.lastFullAt,
            fullEveryMs: s.fullFetchInterval,
          },
          Date.now(),
        );
        if (full) await this.fullFetch(signal);
        else await this.deltaFetch(signal);
        this.stale.ok(SOURCE);
        backoff.reset();
        if (!(await spaceFrom(started, s.refreshInterval, signal))) return;
      } catch (err) {
        if (signal.aborted) return;
        this.needFull = true;
        this.stale.fail(SOURCE, err instanceof Error ? err : new Error(errorMessage(err)));
        if (!(await delay(backoff.next(), signal))) return;
      }
    }
  }

  private async get(kind: FetchKind, signal: AbortSignal): Promise<{ apps: Applications; server: string }> {
    const fetched = await this.o.client.fetch(kind, signal);
    const apps = parseApplications(fetched.body, `Eureka at ${fetched.server} (${kind})`);
    if (kind === 'full') {
      this.counts.full++;
      this.counts.fullBytes = fetched.wireBytes;
    } else {
      this.counts.delta++;
      this.counts.deltaBytes = fetched.wireBytes;
    }
    this.emitter.reportWireIssues(apps.issues, kind === 'full');
    return { apps, server: fetched.server };
  }

  private async fullFetch(signal: AbortSignal): Promise<void> {
    const { apps, server } = await this.get('full', signal);
    const touched = this.mirror.replace(apps.instances);
    if (server !== this.lastServer) {
      this.o.logger.info({ server, instances: this.mirror.size }, 'eureka: reading from this server');
    }
    this.lastServer = server;
    this.needFull = false;
    this.lastAnswerAt = Date.now();
    this.lastFullAt = this.lastAnswerAt;
    const verifiable = apps.hashcode === this.mirror.hashcode();
    if (!verifiable && this.verifiable) {
      this.o.logger.warn(
        { server, serverHashcode: apps.hashcode, counted: this.mirror.hashcode() },
        "eureka: the full answer's apps__hashcode does not match its instances, so deltas cannot be verified; fetching in full every refreshInterval until it does",
      );
    }
    this.verifiable = verifiable;
    this.emitter.emit(touched, this.mirror, true);
    if (!this.synced) {
      this.synced = true;
      this.o.logger.info(
        { server, apps: this.mirror.appNames().length, instances: this.mirror.size },
        'eureka: first sync complete',
      );
      this.o.sink.synced();
    }
  }

  private async deltaFetch(signal: AbortSignal): Promise<void> {
    const { apps, server } = await this.get('delta', signal);
    if (server !== this.lastServer) {
      // Another server's deltas do not continue this copy.
      this.o.logger.info({ from: this.lastServer, to: server }, 'eureka: switched server; fetching in full');
      await this.fullFetch(signal);
      return;
    }
    const touched = this.mirror.apply(apps.instances);
    if (this.mirror.size > WIRE_LIMITS.instances) {
      throw new BridgeError(
        'IRB_EUREKA_BAD_RESPONSE',
        `Eureka at ${server}: more than ${WIRE_LIMITS.instances} instances; the bridge holds at most that many`,
      );
    }
    const counted = this.mirror.hashcode();
    if (apps.hashcode !== counted) {
      this.counts.mismatches++;
      this.o.logger.info(
        { server, serverHashcode: apps.hashcode, counted, changes: apps.instances.length },
        'eureka: delta does not match apps__hashcode; fetching in full',
      );
      await this.fullFetch(signal);
      return;
    }
    this.lastAnswerAt = Date.now();
    this.emitter.emit(touched, this.mirror, false);
  }
}

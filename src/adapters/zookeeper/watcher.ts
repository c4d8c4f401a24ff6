import type { Logger } from 'pino';
import type { RegistrySink } from '../adapter.js';
import { errorMessage } from '../../errors.js';
import { AbortedError } from '../kit/aborted.js';
import { Backoff } from '../kit/backoff.js';
import { FirstSync } from '../kit/first-sync.js';
import { NameFilter } from '../kit/name-filter.js';
import type { SecretSource } from '../kit/secret.js';
import { Semaphore } from '../kit/semaphore.js';
import { ServiceEmitter } from '../kit/service-emitter.js';
import { StaleTracker } from '../kit/stale-tracker.js';
import { runLiveness } from '../kit/liveness.js';
import { ApplicationWatcher } from './application-watcher.js';
import { ZkConnection } from './client.js';
import { isConnectionError } from './errors.js';
import { InterfaceWatcher } from './interface-watcher.js';
import { MappingWatcher } from './mapping-watcher.js';
import { KeyedSerial } from './serial.js';
import type { ZookeeperSettings } from './settings.js';
import type { TreeContext } from './tree.js';

export interface WatcherOptions {
  readonly settings: ZookeeperSettings;
  readonly sink: RegistrySink;
  readonly logger: Logger;
  readonly digest?: SecretSource;
}

/** Numbers for /debug and tests. */
export interface ZookeeperWatchStats {
  readonly connected: boolean;
  readonly synced: boolean;
  readonly stale: boolean;
  readonly resyncs: number;
  readonly interfaces: number;
  readonly applications: number;
  readonly readsInFlight: number;
  readonly peakReadsInFlight: number;
  readonly pendingRemovals: number;
}

/**
 * Watches one ZooKeeper for Dubbo services. On every session (the first,
 * one resumed after a lost socket, or a new one after expiry) the whole
 * tree is read again with bounded concurrency and every watch re-armed; the
 * first complete read sends `synced()`. While the connection is lost the
 * last state is kept and marked stale; nothing is removed until a complete
 * read after the reconnect shows it gone.
 */
export class ZooKeeperWatcher {
  private readonly abort = new AbortController();
  private readonly conn: ZkConnection;
  private readonly stale: StaleTracker;
  private readonly emitter: ServiceEmitter;
  private readonly slots: Semaphore;
  private readonly firstSync: FirstSync;
  private readonly settleFirst: () => void;
  private readonly interfaces: InterfaceWatcher | undefined;
  private readonly applications: ApplicationWatcher | undefined;
  private readonly mappings: MappingWatcher | undefined;
  private readonly serial = new KeyedSerial();
  private readonly retries = new Set<NodeJS.Timeout>();
  private readonly backoffs = new Map<string, Backoff>();
  private resyncing: Promise<void> | undefined;
  private resyncAgain = false;
  private resyncRetry: NodeJS.Timeout | undefined;
  private resyncBackoff: Backoff;
  private resyncCount = 0;
  private probing: Promise<void> | undefined;
  /** True from a lost connection until a complete resync after it. */
  private behind = true;

  constructor(private readonly o: WatcherOptions) {
    const s = o.settings;
    this.slots = new Semaphore(s.maxConcurrentReads);
    this.resyncBackoff = this.backoff();
    this.stale = new StaleTracker({ sink: o.sink, logger: o.logger, label: 'zookeeper' });
    this.firstSync = new FirstSync(() => {
      o.logger.info(
        { interfaces: this.interfaces?.watched ?? 0, applications: this.applications?.watched ?? 0 },
        'zookeeper: first sync complete',
      );
      o.sink.synced();
    });
    this.settleFirst = this.firstSync.expect();
    this.firstSync.arm();
    this.emitter = new ServiceEmitter({
      sink: o.sink,
      graceMs: s.emptyGracePeriod,
      isPaused: () => this.behind,
    });
    this.conn = new ZkConnection(
      {
        servers: s.address,
        sessionTimeoutMs: s.sessionTimeout,
        digest: o.digest,
        backoff: this.backoff(),
        logger: o.logger,
      },
      { onConnected: () => this.resync(), onLost: (err) => this.onLost(err) },
    );
    const ctx: TreeContext = {
      conn: this.conn,
      slots: this.slots,
      signal: this.abort.signal,
      serial: this.serial,
      sink: o.sink,
      emitter: this.emitter,
      filter: new NameFilter(s.services.include, s.services.exclude),
      mapping: { hostTemplate: s.hostTemplate, protocols: s.protocols, protocolDefault: s.protocolDefault },
      logger: o.logger,
      refresh: (key, read) => this.refresh(key, read),
    };
    const apps = s.mode !== 'interface';
    if (s.mode !== 'application') this.interfaces = new InterfaceWatcher(ctx, s.root);
    if (apps) {
      this.mappings = new MappingWatcher(ctx, s.root, (changed) =>
        this.applications?.mappingChanged(changed),
      );
      this.applications = new ApplicationWatcher(
        ctx,
        s.servicesRoot,
        (app) => this.mappings?.interfacesOf(app) ?? [],
      );
    }
  }

  start(): void {
    this.conn.start();
    this.probing = runLiveness({
      probe: async () => {
        await this.conn.exists('/');
      },
      staleAfterMs: this.o.settings.staleAfter,
      tracker: this.stale,
      signal: this.abort.signal,
      label: `ZooKeeper at ${this.conn.servers}`,
    }).catch((err: unknown) => {
      this.o.logger.error({ err: String(err) }, 'zookeeper: liveness loop failed unexpectedly');
    });
  }

  /** Closes the session, cancels reads and timers; resolves when the socket is closed. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.emitter.stop();
    clearTimeout(this.resyncRetry);
    for (const t of this.retries) clearTimeout(t);
    this.retries.clear();
    await this.conn.close();
    await this.probing;
    await this.resyncing?.catch(() => undefined);
  }

  stats(): ZookeeperWatchStats {
    return {
      connected: this.conn.isConnected,
      synced: this.firstSync.synced,
      stale: this.stale.stale,
      resyncs: this.resyncCount,
      interfaces: this.interfaces?.watched ?? 0,
      applications: this.applications?.watched ?? 0,
      readsInFlight: this.slots.inUse,
      peakReadsInFlight: this.slots.peak,
      pendingRemovals: this.emitter.pendingRemovals,
    };
  }

  private onLost(err: Error): void {
    if (this.abort.signal.aborted) return;
    this.behind = true;
    this.stale.fail('session', err);
  }

  /** Reads the whole tree again (one at a time; a request while one runs makes it run again after). */
  private resync(): void {
    if (this.abort.signal.aborted) return;
    clearTimeout(this.resyncRetry);
    if (this.resyncing !== undefined) {
      this.resyncAgain = true;
      return;
    }
    const run = async (): Promise<void> => {
      do {
        this.resyncAgain = false;
        this.resyncCount++;
        const t0 = Date.now();
        // Mappings first: they decide which applications are selected.
        await this.mappings?.resync();
        await Promise.all([this.interfaces?.resync(), this.applications?.resync()]);
        if (this.abort.signal.aborted) return;
        this.o.logger.debug({ ms: Date.now() - t0 }, 'zookeeper: tree read');
      } while (this.resyncAgain);
      this.behind = false;
      this.resyncBackoff.reset();
      this.stale.ok('session');
      this.settleFirst();
    };
    this.resyncing = run()
      .catch((err: unknown) => {
        if (this.abort.signal.aborted || err instanceof AbortedError) return;
        if (isConnectionError(err) && !this.conn.isConnected) return; // the next session resyncs
        const e = err instanceof Error ? err : new Error(errorMessage(err));
        this.stale.fail('session', e);
        const delay = this.resyncBackoff.next();
        this.o.logger.warn({ err: e.message, retryInMs: delay }, 'zookeeper: reading the tree failed');
        this.resyncRetry = setTimeout(() => this.resync(), delay);
      })
      .finally(() => {
        this.resyncing = undefined;
        if (this.resyncAgain && !this.abort.signal.aborted) this.resync();
      });
  }

  /** A read caused by a watch: connection errors wait for the resync; other errors retry with back-off. */
  private refresh(key: string, read: () => Promise<void>): void {
    if (this.abort.signal.aborted) return;
    this.runRefresh(key, `read ${key}`, read);
  }

  private runRefresh(key: string, source: string, read: () => Promise<void>): void {
    this.serial
      .run(key, read)
      .then(() => {
        this.backoffs.delete(key);
        this.stale.ok(source);
      })
      .catch((err: unknown) => {
        if (this.abort.signal.aborted || err instanceof AbortedError) return;
        if (isConnectionError(err)) return; // a lost session: the resync after it re-reads this node
        const e = err instanceof Error ? err : new Error(errorMessage(err));
        this.stale.fail(source, e);
        const backoff = this.backoffs.get(key) ?? this.backoff();
        this.backoffs.set(key, backoff);
        const timer = setTimeout(() => {
          this.retries.delete(timer);
          this.runRefresh(key, source, read);
        }, backoff.next());
        this.retries.add(timer);
      });
  }

  private backoff(): Backoff {
    return new Backoff(this.o.settings.backoff.initial, this.o.settings.backoff.max);
  }
}

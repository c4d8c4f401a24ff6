import type { Logger } from 'pino';
import type { RegistrySink } from '../adapter.js';
import { errorMessage } from '../../errors.js';
import { onAbort } from '../kit/abort-hooks.js';
import { Backoff } from '../kit/backoff.js';
import { delay } from '../kit/delay.js';
import { FirstSync } from '../kit/first-sync.js';
import { Gate } from '../kit/gate.js';
import { NameFilter } from '../kit/name-filter.js';
import { Semaphore } from '../kit/semaphore.js';
import { ServiceEmitter } from '../kit/service-emitter.js';
import { StaleTracker } from '../kit/stale-tracker.js';
import { LIVENESS_SOURCE, runLiveness } from '../kit/liveness.js';
import { BridgeError } from '../../errors.js';
import { watchCatalog, type CatalogServices } from './catalog-watch.js';
import type { ConsulClient } from './client.js';
import { localDatacenter } from './datacenters.js';
import { queryScope } from './query-scope.js';
import { watchService } from './service-watch.js';
import type { ConsulSettings } from './settings.js';
import { CONSUL_ERROR_PRIORITY } from './errors.js';
import { emptyService, serviceId, toRegistryService, type MappingOptions } from './to-service.js';

export interface WatcherOptions {
  readonly client: ConsulClient;
  readonly settings: ConsulSettings;
  readonly sink: RegistrySink;
  readonly logger: Logger;
}

/** Numbers for /debug and tests. */
export interface ConsulWatchStats {
  readonly localDatacenter: string | undefined;
  readonly datacenters: readonly string[];
  readonly watchedServices: number;
  readonly queriesInFlight: number;
  readonly peakQueriesInFlight: number;
  readonly queuedQueries: number;
  readonly pendingRemovals: number;
  readonly synced: boolean;
  readonly stale: boolean;
}

interface ServiceState {
  readonly abort: AbortController;
  /** Marks the first answer (or the end of a watch that never answered) for the first sync. */
  readonly settle: () => void;
  /** Issues already reported for the current state (reported again only when new). */
  reported: ReadonlySet<string>;
}

interface DcState {
  readonly name: string;
  readonly gate: Gate;
  readonly mapping: MappingOptions;
  readonly services: Map<string, ServiceState>;
  /** Marks the catalog's first answer for the first sync. */
  readonly settleCatalog: () => void;
}

/**
 * Watches one Consul: finds the agent's datacenter, runs one catalog watch
 * per datacenter and one health watch per selected service (started and
 * stopped as services come and go), maps answers to RegistryServices and
 * feeds the sink. `synced()` is sent once every datacenter's catalog and
 * every selected service has answered once.
 */
export class ConsulWatcher {
  private readonly abort = new AbortController();
  private readonly slots: Semaphore;
  private readonly stale: StaleTracker;
  private readonly emitter: ServiceEmitter;
  private readonly filter: NameFilter;
  private readonly dcs = new Map<string, DcState>();
  private readonly running = new Set<Promise<void>>();
  private localDc: string | undefined;
  /** Catalogs and services that have not answered once yet (first sync). */
  private readonly firstSync: FirstSync;

  constructor(private readonly o: WatcherOptions) {
    const s = o.settings;
    this.slots = new Semaphore(s.maxConcurrentQueries);
    this.stale = new StaleTracker({
      sink: o.sink,
      logger: o.logger,
      label: 'consul',
      priority: CONSUL_ERROR_PRIORITY,
    });
    this.firstSync = new FirstSync(() => {
      this.o.logger.info({ services: this.watchedServices() }, 'consul: first sync complete');
      this.o.sink.synced();
    });
    this.emitter = new ServiceEmitter({
      sink: o.sink,
      graceMs: s.emptyGracePeriod,
      isPaused: (id) => this.cannotSee(id),
    });
    this.filter = new NameFilter(s.services.include, s.services.exclude);
  }

  start(): void {
    this.track(this.run());
    this.track(
      runLiveness({
        probe: (signal, timeoutMs) => this.probe(signal, timeoutMs),
        staleAfterMs: this.o.settings.staleAfter,
        tracker: this.stale,
        signal: this.abort.signal,
        label: `Consul at ${this.o.client.address}`,
      }),
    );
  }

  /** The liveness probe: the agent answers /v1/status/leader and knows a leader. */
  private async probe(signal: AbortSignal, timeoutMs: number): Promise<void> {
    const res = await this.o.client.get('v1/status/leader', { signal, timeoutMs });
    if (typeof res.body !== 'string' || res.body === '') {
      throw new BridgeError(
        'IRB_REGISTRY_UNREACHABLE',
        `Consul at ${this.o.client.address} has no cluster leader; reads cannot be trusted`,
      );
    }
  }

  /** Aborts every request and timer; resolves when all loops have ended. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.emitter.stop();
    await Promise.allSettled([...this.running]);
  }

  stats(): ConsulWatchStats {
    return {
      localDatacenter: this.localDc,
      datacenters: [...this.dcs.keys()],
      watchedServices: this.watchedServices(),
      queriesInFlight: this.slots.inUse,
      peakQueriesInFlight: this.slots.peak,
      queuedQueries: this.slots.waiting,
      pendingRemovals: this.emitter.pendingRemovals,
      synced: this.firstSync.synced,
      stale: this.stale.stale,
    };
  }

  private track(p: Promise<void>): void {
    const tracked = p.catch((err: unknown) => {
      this.o.logger.error({ err: errorMessage(err) }, 'consul: watch loop failed unexpectedly');
    });
    this.running.add(tracked);
    void tracked.finally(() => this.running.delete(tracked));
  }

  private async run(): Promise<void> {
    const s = this.o.settings;
    const signal = this.abort.signal;
    const backoff = this.backoff();
    let local: string | undefined;
    while (local === undefined) {
      try {
        local = await localDatacenter(this.o.client, signal);
        this.stale.ok('agent');
      } catch (err) {
        if (signal.aborted) return;
        this.stale.fail('agent', err instanceof Error ? err : new Error(errorMessage(err)));
        if (!(await delay(backoff.next(), signal))) return;
      }
    }
    this.localDc = local;
    const names = s.datacenters ?? [local];
    this.o.logger.info({ localDatacenter: local, datacenters: names }, 'consul: datacenter found; watching');
    for (const dc of names) {
      const state: DcState = {
        name: dc,
        gate: new Gate(),
        services: new Map(),
        settleCatalog: this.firstSync.expect(),
        mapping: {
          datacenter: dc,
          localDatacenter: local,
          hostTemplate: s.hostTemplate,
          health: s.health,
          protocolDefault: s.protocolDefault,
          protocolTag: s.protocolTag,
          requiredTags: s.tags,
        },
      };
      this.dcs.set(dc, state);
      const source = `catalog/${dc}`;
      this.track(
        watchCatalog({
          client: this.o.client,
          scope: queryScope(dc, s),
          waitMs: s.wait,
          signal,
          backoff: this.backoff(),
          gate: state.gate,
          onCatalog: (services) => this.onCatalog(state, services),
          onOk: () => this.stale.ok(source),
          onError: (err) => this.stale.fail(source, err),
        }),
      );
    }
    this.firstSync.arm();
  }

  private onCatalog(dc: DcState, services: CatalogServices): void {
    const selected = new Set<string>();
    for (const [name, tags] of services) {
      if (this.filter.matches(name) && this.o.settings.tags.every((t) => tags.includes(t)))
        selected.add(name);
    }
    for (const name of selected) if (!dc.services.has(name)) this.startService(dc, name);
    for (const name of [...dc.services.keys()]) if (!selected.has(name)) this.stopService(dc, name);
    dc.settleCatalog();
  }

  private startService(dc: DcState, name: string): void {
    const abort = new AbortController();
    const signal = abort.signal;
    const parent = this.abort.signal;
    // Stopping the watcher stops the service; a stopped service lets go of the watcher's signal.
    const unlink = onAbort(parent, () => abort.abort());
    onAbort(signal, unlink);
    const state: ServiceState = { abort, settle: this.firstSync.expect(), reported: new Set() };
    dc.services.set(name, state);
    const source = `service/${dc.name}/${name}`;
    this.o.logger.debug({ dc: dc.name, service: name }, 'consul: watching service');
    this.track(
      watchService({
        client: this.o.client,
        name,
        scope: queryScope(dc.name, this.o.settings),
        waitMs: this.o.settings.wait,
        signal,
        backoff: this.backoff(),
        gate: dc.gate,
        slots: this.slots,
        watches: () => this.watchedServices(),
        onEntries: (entries) => this.onHealth(dc, name, state, entries),
        onOk: () => this.stale.ok(source),
        onError: (err) => this.stale.fail(source, err),
      }),
    );
  }

  private stopService(dc: DcState, name: string): void {
    const state = dc.services.get(name);
    if (state === undefined) return;
    state.abort.abort();
    dc.services.delete(name);
    state.settle();
    this.stale.drop(`service/${dc.name}/${name}`);
    this.o.logger.debug({ dc: dc.name, service: name }, 'consul: service left the catalog');
    this.emitter.vanish(emptyService(name, dc.mapping));
  }

  private onHealth(dc: DcState, name: string, state: ServiceState, entries: readonly unknown[]): void {
    if (state.abort.signal.aborted || this.abort.signal.aborted) return;
    const result = toRegistryService(name, entries, dc.mapping);
    const now = new Set<string>();
    for (const issue of result.issues) {
      const key = `${issue.kind}|${issue.detail}`;
      now.add(key);
      if (state.reported.has(key)) continue;
      if (issue.kind === 'bad-input') this.o.sink.reportBadInput(issue.what, issue.detail);
      else
        this.o.logger[issue.kind]({ dc: dc.name, service: name }, `consul: ${issue.what}: ${issue.detail}`);
    }
    state.reported = now;
    if (!result.proxyOnly) this.emitter.update(result.service, result.healthyCount);
    else if (this.emitter.has(serviceId(dc.name, name))) this.emitter.update(result.service, 0);
    state.settle();
  }

  /**
   * Whether the state of a service id is unknown right now: its datacenter's
   * catalog watch or its own health watch is failing. Such a service is not
   * removed (keep the last known state while Consul is unreachable).
   */
  private cannotSee(id: string): boolean {
    const slash = id.indexOf('/');
    const dc = this.dcs.get(id.slice(0, slash));
    if (dc === undefined || !dc.gate.open || this.stale.failing('agent')) return true;
    if (this.stale.failing(LIVENESS_SOURCE)) return true;
    return this.stale.failing(`service/${id}`);
  }

  private watchedServices(): number {
    let n = 0;
    for (const dc of this.dcs.values()) n += dc.services.size;
    return n;
  }

  private backoff(): Backoff {
    return new Backoff(this.o.settings.backoff.initial, this.o.settings.backoff.max);
  }
}

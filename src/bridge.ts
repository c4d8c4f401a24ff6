import type { Logger } from 'pino';
import type { RegistryAdapter, RegistrySink } from './adapters/adapter.js';
import { AdminServer } from './admin/server.js';
import type { BridgeConfig, ResolvedRegistry } from './config/load.js';
import { errorMessage } from './errors.js';
import { AdsServer } from './mcp/server.js';
import { loadXdsTls, type XdsTls } from './mcp/tls.js';
import { Pipeline } from './pipeline/pipeline.js';
import { ResourceStore } from './store/resource-store.js';
import { PrometheusTelemetry } from './telemetry/prometheus.js';

/** What a reload did, by registry name. */
export interface ReloadSummary {
  readonly added: string[];
  readonly removed: string[];
  readonly changed: string[];
  readonly unchanged: string[];
  /** Registries whose new adapter did not start (they keep serving what they had). */
  readonly failed: string[];
  /** Top-level keys that changed but take effect only after a restart. */
  readonly needRestart: string[];
}

/** A registry entry as data: equal fingerprints mean the running adapter can stay. */
function fingerprint(reg: ResolvedRegistry, configDir: string): string {
  return JSON.stringify([reg.identity, reg.massDeletion, reg.settings, configDir], (_key, value: unknown) =>
    value instanceof Map ? [...value.entries()] : value instanceof Set ? [...value] : value,
  );
}

/**
 * Wiring only: config -> adapters -> pipeline -> store -> xDS server and
 * admin. The store is the one seam: the pipeline writes it, the xDS server and
 * the admin views read it. `serve` runs all of it; `dump` runs the adapters
 * and reads the store.
 */
export class Bridge {
  readonly metrics = new PrometheusTelemetry();
  readonly store = new ResourceStore();
  readonly pipeline: Pipeline;
  readonly ads: AdsServer;
  readonly admin: AdminServer;
  /** Running adapters by registry name, with the config they were made from. */
  private readonly adapters = new Map<string, { adapter: RegistryAdapter; fingerprint: string }>();
  private current: BridgeConfig;
  private xdsTls: XdsTls | undefined;
  xdsPort = 0;
  adminPort = 0;

  constructor(
    config: BridgeConfig,
    private readonly logger: Logger,
  ) {
    this.current = config;
    this.pipeline = new Pipeline(this.store, config.output.mode, this.metrics, logger);
    this.ads = new AdsServer(this.store, this.metrics, logger.child({ component: 'xds' }), {
      debounceMs: config.xds.debounce,
      maxDelayMs: config.xds.maxDelay,
      delta: config.xds.delta,
      limits: config.xds.limits,
    });
    this.admin = new AdminServer({
      store: this.store,
      metrics: this.metrics,
      registries: () => this.pipeline.status(),
      conflicts: () => this.pipeline.conflicts(),
      hostConflicts: () => this.pipeline.hostConflicts(),
      clients: () => this.ads.clients(),
      logger: logger.child({ component: 'admin' }),
    });
  }

  /** The configuration running now (after any reloads). */
  get config(): BridgeConfig {
    return this.current;
  }

  /** Starts the adapters (not waiting for their sync). */
  async startAdapters(): Promise<void> {
    // Attach every registry before starting any: an adapter that syncs inside
    // start() must not make the pipeline think all registries have synced.
    const started = this.current.registries.map((reg) => ({
      reg,
      adapter: reg.definition.create(reg.identity, reg.settings, { configDir: this.current.configDir }),
      sink: this.pipeline.attach(reg.identity, reg.massDeletion),
    }));
    this.pipeline.seal();
    for (const { reg, adapter, sink } of started) {
      this.adapters.set(reg.identity.name, {
        adapter,
        fingerprint: fingerprint(reg, this.current.configDir),
      });
      await this.startAdapter(reg, adapter, sink);
    }
  }

  /**
   * Applies a new configuration to the running bridge (SIGHUP). Registries
   * whose entry did not change keep running untouched; a changed one gets a
   * new adapter that takes over its services without dropping them (those
   * it no longer lists go once it has synced); a removed one is stopped and
   * its resources withdrawn; a new one is started. Every new adapter is
   * created before anything changes, so a config an adapter refuses changes
   * nothing (the error is thrown). Keys that need a restart (xds, admin,
   * output) are reported and left as they are.
   */
  async reload(next: BridgeConfig): Promise<ReloadSummary> {
    const summary: ReloadSummary = {
      added: [],
      removed: [],
      changed: [],
      unchanged: [],
      failed: [],
      needRestart: [],
    };
    for (const key of ['xds', 'admin', 'output'] as const) {
      if (JSON.stringify(next[key]) !== JSON.stringify(this.current[key])) summary.needRestart.push(key);
    }
    const nextNames = new Set(next.registries.map((r) => r.identity.name));
    const plan: { reg: ResolvedRegistry; adapter: RegistryAdapter; fresh: boolean; fp: string }[] = [];
    for (const reg of next.registries) {
      const name = reg.identity.name;
      const fp = fingerprint(reg, next.configDir);
      const running = this.adapters.get(name);
      if (running?.fingerprint === fp) {
        summary.unchanged.push(name);
        continue;
      }
      const adapter = reg.definition.create(reg.identity, reg.settings, { configDir: next.configDir });
      plan.push({ reg, adapter, fresh: running === undefined, fp });
    }
    for (const name of [...this.adapters.keys()]) {
      if (nextNames.has(name)) continue;
      await this.stopAdapter(name);
      this.pipeline.detach(name);
      summary.removed.push(name);
    }
    for (const { reg, adapter, fresh, fp } of plan) {
      const name = reg.identity.name;
      let sink;
      if (fresh) {
        sink = this.pipeline.attach(reg.identity, reg.massDeletion);
        summary.added.push(name);
      } else {
        await this.stopAdapter(name);
        const before = this.current.registries.find((r) => r.identity.name === name);
        if (before && JSON.stringify(before.identity) === JSON.stringify(reg.identity)) {
          sink = this.pipeline.reattach(name, reg.massDeletion);
        } else {
          // A new type or namespace means other resources: start over.
          this.pipeline.detach(name);
          sink = this.pipeline.attach(reg.identity, reg.massDeletion);
        }
        summary.changed.push(name);
      }
      this.adapters.set(name, { adapter, fingerprint: fp });
      try {
        await this.startAdapter(reg, adapter, sink);
      } catch (err) {
        // The others go on; this registry keeps serving what it had.
        summary.failed.push(name);
        this.logger.error({ err: errorMessage(err), registry: name }, 'reloaded registry did not start');
      }
    }
    if (next.log.level !== this.current.log.level) this.logger.level = next.log.level;
    this.current = {
      ...next,
      xds: this.current.xds,
      admin: this.current.admin,
      output: this.current.output,
    };
    return summary;
  }

  private async startAdapter(
    reg: ResolvedRegistry,
    adapter: RegistryAdapter,
    sink: RegistrySink,
  ): Promise<void> {
    await adapter.start({
      sink,
      logger: this.logger.child({ registry: reg.identity.name, type: reg.identity.type }),
    });
  }

  private async stopAdapter(name: string): Promise<void> {
    const running = this.adapters.get(name);
    if (!running) return;
    this.adapters.delete(name);
    try {
      await running.adapter.stop();
    } catch (err) {
      this.logger.warn({ err: errorMessage(err), registry: name }, 'adapter did not stop cleanly');
    }
  }

  /** Starts everything `serve` needs: servers first, so istiod can connect while registries sync. */
  async serve(): Promise<void> {
    const tls = this.current.xds.tls;
    this.xdsTls = loadXdsTls(tls, this.current.configDir, {
      logger: this.logger.child({ component: 'xds-tls' }),
      pollMs: tls?.reloadInterval ?? 5000,
    });
    this.xdsPort = await this.ads.listen(this.current.xds.address, this.xdsTls.credentials);
    this.adminPort = await this.admin.listen(this.current.admin.address);
    await this.startAdapters();
  }

  /** Resolves once every registry finished its first sync, or rejects after `timeoutMs`. */
  waitSynced(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const waiting = this.pipeline
          .status()
          .filter((r) => !r.synced)
          .map((r) => `${r.name}${r.lastError ? ` (${r.lastError})` : ''}`);
        reject(new Error(`registries not synced after ${timeoutMs} ms: ${waiting.join(', ')}`));
      }, timeoutMs);
      this.store.onComplete(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    this.xdsTls?.stop();
    this.pipeline.stop();
    await this.ads.close();
    await this.admin.close();
    for (const name of [...this.adapters.keys()].reverse()) await this.stopAdapter(name);
  }
}

import type { Logger } from 'pino';
import type { RegistryAdapter } from './adapters/adapter.js';
import { AdminServer } from './admin/server.js';
import type { BridgeConfig } from './config/load.js';
import { errorMessage } from './errors.js';
import { AdsServer } from './mcp/server.js';
import { xdsServerCredentials } from './mcp/tls.js';
import { Pipeline } from './pipeline/pipeline.js';
import { ResourceStore } from './store/resource-store.js';
import { PrometheusTelemetry } from './telemetry/prometheus.js';

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
  private readonly adapters: RegistryAdapter[] = [];
  xdsPort = 0;
  adminPort = 0;

  constructor(
    readonly config: BridgeConfig,
    private readonly logger: Logger,
  ) {
    this.pipeline = new Pipeline(this.store, config.output.mode, this.metrics, logger);
    this.ads = new AdsServer(this.store, this.metrics, logger.child({ component: 'xds' }), {
      debounceMs: config.xds.debounce,
      maxDelayMs: config.xds.maxDelay,
      delta: config.xds.delta,
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

  /** Starts the adapters (not waiting for their sync). */
  async startAdapters(): Promise<void> {
    // Attach every registry before starting any: an adapter that syncs inside
    // start() must not make the pipeline think all registries have synced.
    const started = this.config.registries.map((reg) => ({
      reg,
      adapter: reg.definition.create(reg.identity, reg.settings, { configDir: this.config.configDir }),
      sink: this.pipeline.attach(reg.identity, reg.massDeletion),
    }));
    this.pipeline.seal();
    for (const { reg, adapter, sink } of started) {
      this.adapters.push(adapter);
      await adapter.start({
        sink,
        logger: this.logger.child({ registry: reg.identity.name, type: reg.identity.type }),
      });
    }
  }

  /** Starts everything `serve` needs: servers first, so istiod can connect while registries sync. */
  async serve(): Promise<void> {
    const credentials = xdsServerCredentials(this.config.xds.tls, this.config.configDir);
    this.xdsPort = await this.ads.listen(this.config.xds.address, credentials);
    this.adminPort = await this.admin.listen(this.config.admin.address);
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
    this.pipeline.stop();
    await this.ads.close();
    await this.admin.close();
    for (const a of this.adapters.splice(0).reverse()) {
      try {
        await a.stop();
      } catch (err) {
        this.logger.warn({ err: errorMessage(err), registry: a.name }, 'adapter did not stop cleanly');
      }
    }
  }
}

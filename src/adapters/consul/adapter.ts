import type { AdapterContext, RegistryAdapter } from '../adapter.js';
import { defineAdapter, type AdapterEnv, type RegistryIdentity } from '../definition.js';
import { ConsulClient, redactAddress } from './client.js';
import { loadCredentials } from './credentials.js';
import { consulSettingsSchema, type ConsulSettings } from './settings.js';
import { ConsulWatcher, type ConsulWatchStats } from './watcher.js';

/** A `type: consul` registry: watches Consul with blocking queries (see watcher.ts). */
export class ConsulAdapter implements RegistryAdapter {
  readonly type = 'consul';
  private client: ConsulClient | undefined;
  private watcher: ConsulWatcher | undefined;

  constructor(
    private readonly identity: RegistryIdentity,
    private readonly settings: ConsulSettings,
    private readonly env: AdapterEnv,
  ) {}

  get name(): string {
    return this.identity.name;
  }

  /** Reads token/TLS files (a ConfigError if unreadable) and starts watching in the background. */
  async start(ctx: AdapterContext): Promise<void> {
    if (this.client !== undefined) throw new Error(`consul registry ${this.name} was started twice`);
    const s = this.settings;
    const credentials = await loadCredentials(s, this.env.configDir);
    const logger = ctx.logger.child({ consul: redactAddress(s.address) });
    if (s.insecureSkipVerify) logger.warn('consul: TLS certificate verification is off (insecureSkipVerify)');
    this.client = new ConsulClient({
      address: s.address,
      token: credentials.token,
      tls: credentials.tls,
      // Health queries are capped by maxConcurrentQueries; one more socket per
      // datacenter catalog watch and one for datacenter discovery.
      maxSockets: s.maxConcurrentQueries + (s.datacenters?.length ?? 1) + 1,
    });
    this.watcher = new ConsulWatcher({ client: this.client, settings: s, sink: ctx.sink, logger });
    this.watcher.start();
  }

  /** Aborts in-flight blocking queries and clears timers; resolves promptly. */
  async stop(): Promise<void> {
    await this.watcher?.stop();
    this.client?.close();
  }

  stats(): ConsulWatchStats | undefined {
    return this.watcher?.stats();
  }
}

export const consulAdapter = defineAdapter<ConsulSettings>({
  type: 'consul',
  settingsSchema: consulSettingsSchema,
  create: (identity, settings, env) => new ConsulAdapter(identity, settings, env),
});

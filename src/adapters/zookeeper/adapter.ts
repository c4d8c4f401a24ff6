import type { AdapterContext, RegistryAdapter } from '../adapter.js';
import { defineAdapter, type AdapterEnv, type RegistryIdentity } from '../definition.js';
import { loadSecret } from '../kit/secret.js';
import { zookeeperSettingsSchema, type ZookeeperSettings } from './settings.js';
import { ZooKeeperWatcher, type ZookeeperWatchStats } from './watcher.js';

/** A `type: zookeeper` registry: Apache Dubbo providers registered in ZooKeeper (see watcher.ts). */
export class ZookeeperAdapter implements RegistryAdapter {
  readonly type = 'zookeeper';
  private watcher: ZooKeeperWatcher | undefined;

  constructor(
    private readonly identity: RegistryIdentity,
    private readonly settings: ZookeeperSettings,
    private readonly env: AdapterEnv,
  ) {}

  get name(): string {
    return this.identity.name;
  }

  /** Reads the auth file (a ConfigError if unreadable) and starts watching in the background. */
  async start(ctx: AdapterContext): Promise<void> {
    if (this.watcher !== undefined) throw new Error(`zookeeper registry ${this.name} was started twice`);
    const s = this.settings;
    const digest =
      s.auth === undefined
        ? undefined
        : await loadSecret({ value: undefined, file: s.auth.file, fileKey: 'auth.file' }, this.env.configDir);
    const logger = ctx.logger.child({ zookeeper: s.address.join(',') });
    this.watcher = new ZooKeeperWatcher({ settings: s, sink: ctx.sink, logger, digest });
    this.watcher.start();
  }

  /** Closes the session and every timer; resolves once the socket is closed. */
  async stop(): Promise<void> {
    await this.watcher?.stop();
  }

  stats(): ZookeeperWatchStats | undefined {
    return this.watcher?.stats();
  }
}

export const zookeeperAdapter = defineAdapter<ZookeeperSettings>({
  type: 'zookeeper',
  settingsSchema: zookeeperSettingsSchema,
  create: (identity, settings, env) => new ZookeeperAdapter(identity, settings, env),
});

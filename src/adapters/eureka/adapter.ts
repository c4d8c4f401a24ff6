/** A `type: eureka` registry: reads Spring Cloud Netflix / Netflix Eureka servers (see poller.ts). */
import type { AdapterContext, RegistryAdapter } from '../adapter.js';
import { defineAdapter, type AdapterEnv, type RegistryIdentity } from '../definition.js';
import { loadSecret } from '../kit/secret.js';
import { loadTls } from '../kit/tls.js';
import { EurekaClient } from './client.js';
import { EurekaPoller, type EurekaStats } from './poller.js';
import { eurekaSettingsSchema, type EurekaSettings } from './settings.js';

/** Delta requests time out after twice the refresh interval, within these bounds. */
const MIN_TIMEOUT_MS = 2_000;
const MAX_TIMEOUT_MS = 30_000;

export function deltaTimeoutMs(refreshIntervalMs: number): number {
  return Math.min(MAX_TIMEOUT_MS, Math.max(MIN_TIMEOUT_MS, 2 * refreshIntervalMs));
}

export class EurekaAdapter implements RegistryAdapter {
  readonly type = 'eureka';
  private client: EurekaClient | undefined;
  private poller: EurekaPoller | undefined;

  constructor(
    private readonly identity: RegistryIdentity,
    private readonly settings: EurekaSettings,
    private readonly env: AdapterEnv,
  ) {}

  get name(): string {
    return this.identity.name;
  }

  /** Reads the password and TLS files (a ConfigError if unreadable) and starts polling in the background. */
  async start(ctx: AdapterContext): Promise<void> {
    if (this.client !== undefined) throw new Error(`eureka registry ${this.name} was started twice`);
    const s = this.settings;
    const password =
      s.passwordFile === undefined
        ? undefined
        : await loadSecret(
            { value: undefined, file: s.passwordFile, fileKey: 'passwordFile' },
            this.env.configDir,
          );
    const tls = await loadTls(s, this.env.configDir);
    const logger = ctx.logger.child({ eureka: s.address.join(',') });
    if (s.insecureSkipVerify) logger.warn('eureka: TLS certificate verification is off (insecureSkipVerify)');
    this.client = new EurekaClient({
      addresses: s.address,
      username: s.username,
      password,
      tls,
      deltaTimeoutMs: deltaTimeoutMs(s.refreshInterval),
    });
    this.poller = new EurekaPoller({ client: this.client, settings: s, sink: ctx.sink, logger });
    this.poller.start();
  }

  /** Aborts the request in flight and clears timers; resolves promptly. */
  async stop(): Promise<void> {
    await this.poller?.stop();
    this.client?.close();
  }

  stats(): EurekaStats | undefined {
    return this.poller?.stats();
  }
}

export const eurekaAdapter = defineAdapter<EurekaSettings>({
  type: 'eureka',
  settingsSchema: eurekaSettingsSchema,
  create: (identity, settings, env) => new EurekaAdapter(identity, settings, env),
});

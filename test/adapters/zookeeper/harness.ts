import { ZookeeperAdapter } from '../../../src/adapters/zookeeper/adapter.js';
import { zookeeperSettingsSchema } from '../../../src/adapters/zookeeper/settings.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { RecordingSink } from '../../support/recording-sink.js';

export interface RunningAdapter {
  readonly adapter: ZookeeperAdapter;
  readonly sink: RecordingSink;
  readonly logs: () => string;
  readonly stop: () => Promise<void>;
}

/** Short session, grace and back-off so outage tests are quick. */
export const TEST_DEFAULTS = {
  sessionTimeout: '2s',
  emptyGracePeriod: '1s',
  backoff: { initial: 100, max: '1s' },
};

export async function startAdapter(
  address: string,
  settings: Record<string, unknown> = {},
  configDir = process.cwd(),
): Promise<RunningAdapter> {
  const parsed = zookeeperSettingsSchema.parse({ address, ...TEST_DEFAULTS, ...settings });
  const adapter = new ZookeeperAdapter(
    { name: 'zk-test', type: 'zookeeper', namespace: 'zookeeper' },
    parsed,
    {
      configDir,
    },
  );
  const sink = new RecordingSink();
  const { logger, text } = memoryLogger();
  await adapter.start({ sink, logger });
  let stopping: Promise<void> | undefined;
  return { adapter, sink, logs: text, stop: () => (stopping ??= adapter.stop()) };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** `address:port` of the healthy instances of a service in the sink, sorted. */
export function endpoints(sink: RecordingSink, id: string): string[] {
  return (sink.services.get(id)?.instances ?? [])
    .filter((i) => i.healthy)
    .map((i) => `${i.address.includes(':') ? `[${i.address}]` : i.address}:${i.port}`)
    .sort();
}

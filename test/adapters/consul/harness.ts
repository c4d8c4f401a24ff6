import { ConsulAdapter } from '../../../src/adapters/consul/adapter.js';
import { consulSettingsSchema } from '../../../src/adapters/consul/settings.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { RecordingSink } from '../../support/recording-sink.js';

export interface RunningAdapter {
  readonly adapter: ConsulAdapter;
  readonly sink: RecordingSink;
  readonly logs: () => string;
  /** Stops the adapter; resolves with the milliseconds it took. */
  readonly stop: () => Promise<number>;
}

/** Short waits and back-off so tests and stop() are quick. */
const TEST_DEFAULTS = { wait: '2s', emptyGracePeriod: '1s', backoff: { initial: 100, max: '1s' } };

/** Creates and starts a Consul adapter against a real agent with a recording sink. */
export async function startAdapter(
  address: string,
  settings: Record<string, unknown>,
  configDir = process.cwd(),
): Promise<RunningAdapter> {
  const parsed = consulSettingsSchema.parse({ address, ...TEST_DEFAULTS, ...settings });
  const adapter = new ConsulAdapter({ name: 'consul-test', type: 'consul', namespace: 'consul' }, parsed, {
    configDir,
  });
  const sink = new RecordingSink();
  const { logger, text } = memoryLogger();
  await adapter.start({ sink, logger });
  let stopped: number | undefined;
  return {
    adapter,
    sink,
    logs: text,
    stop: async () => {
      if (stopped !== undefined) return stopped;
      const t0 = Date.now();
      await adapter.stop();
      stopped = Date.now() - t0;
      return stopped;
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Runs `fn` over `items` with at most `limit` running at once. */
export async function inParallel<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

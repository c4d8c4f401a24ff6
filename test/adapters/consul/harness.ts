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

/** Polls `predicate` every 20 ms until it holds; fails after `timeoutMs`. */
export async function until(what: string, predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await sleep(20);
  }
}

/**
 * A limit for stop(): far above what a correct stop takes on a loaded machine,
 * far below the `wait` (30 s) or back-off a stop that did not abort would sit out.
 */
export const STOP_LIMIT_MS = 10_000;

/** Settings under which a stop that does not abort would hang for 30 s: blocking queries and back-off. */
export const LONG_WAITS = { wait: '30s', backoff: { initial: '30s', max: '30s' } } as const;

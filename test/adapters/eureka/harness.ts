/** Starting eureka adapters in tests: parsed settings with short timings, a recording sink, cleanup. */
import { EurekaAdapter } from '../../../src/adapters/eureka/adapter.js';
import { eurekaSettingsSchema } from '../../../src/adapters/eureka/settings.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { RecordingSink } from '../../support/recording-sink.js';

export interface RunningAdapter {
  readonly adapter: EurekaAdapter;
  readonly sink: RecordingSink;
  readonly logs: () => string;
}

/** A 200 ms refresh and short back-off, so changes and recoveries show quickly. */
const TEST_DEFAULTS = { refreshInterval: '200ms', backoff: { initial: '100ms', max: '500ms' } };

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `predicate` every 20 ms (for conditions no sink call announces). */
export async function pollUntil(what: string, predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await sleep(20);
  }
}

/** Adapters started by a test file; `stopAll()` in afterEach. */
export class Adapters {
  private readonly running: RunningAdapter[] = [];

  async start(settings: Record<string, unknown>, configDir = process.cwd()): Promise<RunningAdapter> {
    const s = eurekaSettingsSchema.parse({ ...TEST_DEFAULTS, ...settings });
    const adapter = new EurekaAdapter({ name: 'eu', type: 'eureka', namespace: 'eureka' }, s, { configDir });
    const sink = new RecordingSink();
    const { logger, text } = memoryLogger();
    await adapter.start({ sink, logger });
    const r = { adapter, sink, logs: text };
    this.running.push(r);
    return r;
  }

  async stopAll(): Promise<void> {
    for (const r of this.running.splice(0)) await r.adapter.stop();
  }
}

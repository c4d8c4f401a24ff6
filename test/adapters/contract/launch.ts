import assert from 'node:assert/strict';
import type { RegistryAdapter } from '../../../src/adapters/adapter.js';
import { adapterCatalog } from '../../../src/adapters/catalog/catalog.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { RecordingSink } from '../../support/recording-sink.js';
import type { RegistryUnderTest } from './driver.js';

export interface Launched {
  readonly adapter: RegistryAdapter;
  readonly sink: RecordingSink;
  readonly logs: () => string;
  /** Stops once; later calls return the first stop's promise. */
  readonly stop: () => Promise<void>;
}

/**
 * Creates an adapter the way the bridge does: the definition registered for
 * `type` in the catalog, its settings schema applied to the driver's
 * settings, `create`, then `start` with a recording sink.
 */
export async function launch(type: string, registry: RegistryUnderTest): Promise<Launched> {
  const definition = adapterCatalog.get(type);
  assert.ok(definition, `no adapter type "${type}" in src/adapters/catalog.ts`);
  const settings = definition.settingsSchema.parse(registry.settings);
  const adapter = definition.create({ name: `contract-${type}`, type, namespace: type }, settings, {
    configDir: registry.configDir,
  });
  const sink = new RecordingSink();
  const { logger, text } = memoryLogger();
  await adapter.start({ sink, logger });
  let stopping: Promise<void> | undefined;
  return { adapter, sink, logs: text, stop: () => (stopping ??= adapter.stop()) };
}

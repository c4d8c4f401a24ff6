import { adapterCatalog } from '../adapters/catalog/catalog.js';
import { Bridge } from '../bridge.js';
import { loadConfigFile } from '../config/load.js';
import type { LogFormat } from '../log.js';
import { renderManifests, toManifest, type OutputFormat } from '../manifest/render.js';
import { SERVED_KINDS } from '../codec/kinds.js';
import { cliLogger } from './log-format.js';

export interface DumpOptions {
  readonly config: string;
  readonly output: OutputFormat;
  readonly timeout: number;
  readonly logFormat?: LogFormat;
  readonly write: (text: string) => void;
}

/** Syncs every registry once and writes what `serve` would serve, as Kubernetes manifests. */
export async function dump(opts: DumpOptions): Promise<void> {
  const config = loadConfigFile(opts.config, adapterCatalog);
  const logger = cliLogger(process.env['REGISTRY_BRIDGE_LOG_LEVEL'] ?? 'warn', opts.logFormat);
  const bridge = new Bridge(config, logger);
  try {
    await bridge.startAdapters();
    await bridge.waitSynced(opts.timeout);
    const manifests = SERVED_KINDS.flatMap((k) => {
      const ks = bridge.store.kind(k);
      return ks.keys().map((key) => toManifest(ks.get(key)!.resource));
    });
    opts.write(renderManifests(manifests, opts.output));
  } finally {
    await bridge.stop();
  }
}

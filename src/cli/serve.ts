import { adapterCatalog } from '../adapters/catalog/catalog.js';
import { Bridge } from '../bridge.js';
import { loadConfigFile } from '../config/load.js';
import type { LogFormat } from '../log.js';
import { exitWhenWritten } from './exit.js';
import { cliLogger } from './log-format.js';

export interface ServeOptions {
  readonly config: string;
  readonly logLevel?: string;
  readonly logFormat?: LogFormat;
}

/** Runs the bridge until SIGTERM/SIGINT, then stops it and exits 0. */
export async function serve(opts: ServeOptions): Promise<void> {
  const config = loadConfigFile(opts.config, adapterCatalog);
  const logger = cliLogger(opts.logLevel ?? config.log.level, opts.logFormat);
  if (config.envOverrides.length > 0)
    logger.info({ keys: config.envOverrides }, 'config overridden from environment');
  const bridge = new Bridge(config, logger);
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(0), 5000);
    force.unref();
    bridge
      .stop()
      .then(() => {
        logger.flush();
        return exitWhenWritten(0);
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'error while stopping');
        return exitWhenWritten(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  await bridge.serve();
}

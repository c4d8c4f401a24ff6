import { adapterCatalog } from '../adapters/catalog/catalog.js';
import { Bridge } from '../bridge.js';
import { loadConfigFile } from '../config/load.js';
import { errorMessage } from '../errors.js';
import type { Logger } from 'pino';
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
  // Reloads run one after another; a SIGHUP during one queues the next.
  let reloading: Promise<void> = Promise.resolve();
  process.on('SIGHUP', () => {
    if (stopping) return;
    reloading = reloading.then(() => reload(opts.config, bridge, logger));
  });
  await bridge.serve();
}

/**
 * SIGHUP: reads the config file again and applies it (Bridge.reload). A file
 * that does not load or validate, or that an adapter refuses, changes
 * nothing: the running configuration stays and the error is logged.
 */
async function reload(path: string, bridge: Bridge, logger: Logger): Promise<void> {
  logger.info({ config: path }, 'SIGHUP: reloading the configuration');
  try {
    const next = loadConfigFile(path, adapterCatalog);
    const summary = await bridge.reload(next);
    if (summary.needRestart.length > 0) {
      logger.warn(
        { keys: summary.needRestart },
        'config reload: these keys changed but take effect only after a restart; their running values are kept',
      );
    }
    const changed = summary.added.length + summary.removed.length + summary.changed.length > 0;
    bridge.metrics.configReload(changed ? 'applied' : 'unchanged');
    logger.info(
      {
        added: summary.added,
        removed: summary.removed,
        changed: summary.changed,
        unchanged: summary.unchanged,
        failed: summary.failed,
      },
      'config reload applied',
    );
  } catch (err) {
    bridge.metrics.configReload('rejected');
    logger.error(
      { err: errorMessage(err), code: (err as { code?: string }).code },
      `config reload rejected: ${errorMessage(err)}; the running configuration is kept (fix the file and send SIGHUP again)`,
    );
  }
}

#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { adapterCatalog } from '../adapters/catalog/catalog.js';
import { Bridge } from '../bridge.js';
import { parseDurationMs } from '../util/duration.js';
import { loadConfigFile } from '../config/load.js';
import { BridgeError, errorMessage } from '../errors.js';
import { createLogger } from '../log.js';
import { renderManifests, toManifest, type OutputFormat } from '../manifest/render.js';
import { SERVED_KINDS } from '../codec/kinds.js';
import type { IstioLine } from '../codec/type-urls.js';
import type { ClientTls } from '../mcp/client.js';
import { runWatch } from './watch.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

function duration(value: string): number {
  const ms = parseDurationMs(value);
  if (ms === undefined) throw new InvalidArgumentError('expected a duration such as 500ms, 30s or 2m');
  return ms;
}

function die(err: unknown): never {
  const code = err instanceof BridgeError ? ` [${err.code}]` : '';
  process.stderr.write(`registry-bridge: ${errorMessage(err)}${code}\n`);
  process.exit(err instanceof BridgeError && err.code.startsWith('IRB_CONFIG') ? 2 : 1);
}

function clientTls(opts: {
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsServerName?: string;
}): ClientTls | undefined {
  if (opts.tlsCa === undefined) {
    if (opts.tlsCert ?? opts.tlsKey ?? opts.tlsServerName) {
      throw new InvalidArgumentError('--tls-cert, --tls-key and --tls-server-name need --tls-ca');
    }
    return undefined;
  }
  const read = (flag: string, path: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new BridgeError('IRB_WATCH_FAILED', `cannot read ${flag} ${path}: ${errorMessage(err)}`);
    }
  };
  return {
    ca: read('--tls-ca', opts.tlsCa),
    ...(opts.tlsCert !== undefined && { cert: read('--tls-cert', opts.tlsCert) }),
    ...(opts.tlsKey !== undefined && { key: read('--tls-key', opts.tlsKey) }),
    ...(opts.tlsServerName !== undefined && { serverName: opts.tlsServerName }),
  };
}

async function serve(opts: { config: string; logLevel?: string }): Promise<void> {
  const config = loadConfigFile(opts.config, adapterCatalog);
  const logger = createLogger(opts.logLevel ?? config.log.level);
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
        process.exit(0);
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'error while stopping');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  await bridge.serve();
}

async function dump(opts: { config: string; output: OutputFormat; timeout: number }): Promise<void> {
  const config = loadConfigFile(opts.config, adapterCatalog);
  const logger = createLogger(process.env['REGISTRY_BRIDGE_LOG_LEVEL'] ?? 'warn');
  const bridge = new Bridge(config, logger);
  try {
    await bridge.startAdapters();
    await bridge.waitSynced(opts.timeout);
    const manifests = SERVED_KINDS.flatMap((k) => {
      const ks = bridge.store.kind(k);
      return ks.keys().map((key) => toManifest(ks.get(key)!.resource));
    });
    process.stdout.write(renderManifests(manifests, opts.output));
  } finally {
    await bridge.stop();
  }
}

const program = new Command()
  .name('registry-bridge')
  .description(
    'Serves Consul, Eureka, ZooKeeper/Dubbo and file registries to istiod as ServiceEntry/WorkloadEntry (MCP over xDS)',
  )
  .version(pkg.version)
  .showHelpAfterError('(run with --help for usage)');

const outputOption = (): Option =>
  new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml');

program
  .command('serve')
  .description('run the bridge: watch the registries and serve istiod')
  .requiredOption('-c, --config <file>', 'config file (YAML)')
  .option('--log-level <level>', 'override log.level')
  .action((opts: { config: string; logLevel?: string }) => serve(opts).catch(die));

program
  .command('dump')
  .description('sync every registry once and print what serve would serve, as Kubernetes manifests')
  .requiredOption('-c, --config <file>', 'config file (YAML)')
  .addOption(outputOption())
  .option('--timeout <duration>', 'how long to wait for the first sync', duration, 60_000)
  .action((opts: { config: string; output: OutputFormat; timeout: number }) =>
    dump(opts)
      .then(() => process.exit(0))
      .catch(die),
  );

program
  .command('watch')
  .description('connect like istiod does and print the ServiceEntries/WorkloadEntries received')
  .requiredOption('-s, --server <host:port>', 'bridge xDS address')
  .option('--delta', 'use Delta xDS instead of state of the world', false)
  .option('--once', 'exit 0 once every kind has been answered', false)
  .addOption(outputOption())
  .addOption(
    new Option('--istio <line>', 'request the type URLs of this istiod release line')
      .choices(['1.20', '1.24', '1.30'])
      .default('1.24'),
  )
  .option('--timeout <duration>', 'with --once: give up after this long', duration, 30_000)
  .option('--tls-ca <file>', 'connect with TLS, trusting this CA (PEM)')
  .option('--tls-cert <file>', 'client certificate for mutual TLS (PEM)')
  .option('--tls-key <file>', 'client key for mutual TLS (PEM)')
  .option('--tls-server-name <name>', 'expected server name, when it differs from the host in --server')
  .action(
    (opts: {
      server: string;
      delta: boolean;
      once: boolean;
      output: OutputFormat;
      istio: IstioLine;
      timeout: number;
      tlsCa?: string;
      tlsCert?: string;
      tlsKey?: string;
      tlsServerName?: string;
    }) => {
      const logger = createLogger(process.env['REGISTRY_BRIDGE_LOG_LEVEL'] ?? 'info');
      Promise.resolve()
        .then(() =>
          runWatch({
            ...opts,
            timeoutMs: opts.timeout,
            tls: clientTls(opts),
            write: (s) => process.stdout.write(s),
            logger,
          }),
        )
        .then(() => process.exit(0))
        .catch(die);
    },
  );

program.parseAsync(process.argv).catch(die);

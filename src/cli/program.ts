import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { adapterCatalog } from '../adapters/catalog/catalog.js';
import { parseDurationMs } from '../util/duration.js';
import { packageRoot } from '../util/package-root.js';
import { BridgeError, errorMessage } from '../errors.js';
import type { LogFormat } from '../log.js';
import type { OutputFormat } from '../manifest/render.js';
import type { IstioLine } from '../codec/type-urls.js';
import type { ClientTls } from '../mcp/client.js';
import { exitWhenWritten, exitWithError, stderr, stdout } from './exit.js';
import { cliLogger, logFormatOption } from './log-format.js';

const pkg = JSON.parse(readFileSync(join(packageRoot(import.meta.url), 'package.json'), 'utf8')) as {
  version: string;
};

function duration(value: string): number {
  const ms = parseDurationMs(value);
  if (ms === undefined) throw new InvalidArgumentError('expected a duration such as 500ms, 30s or 2m');
  return ms;
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

/** Commander is done (help, --version, a usage error it already printed): exit with its code. */
class CommandLineExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

const program = new Command()
  .name('registry-bridge')
  // Named from the catalog, so the help lists exactly the registry types this build has.
  .description(
    `Serves the services of registries (types: ${[...adapterCatalog.keys()].join(', ')}) to istiod as ServiceEntry/WorkloadEntry (MCP over xDS)`,
  )
  .version(pkg.version)
  .showHelpAfterError('(run with --help for usage)')
  // Help, --version and usage errors go through the same outputs, and end the
  // process only once those are written (inherited by the subcommands below).
  .configureOutput({ writeOut: (s) => stdout.write(s), writeErr: (s) => stderr.write(s) })
  .exitOverride((err) => {
    throw new CommandLineExit(err.exitCode);
  });

const outputOption = (): Option =>
  new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml');

program
  .command('serve')
  .description('run the bridge: watch the registries and serve istiod')
  .requiredOption('-c, --config <file>', 'config file (YAML)')
  .option('--log-level <level>', 'override log.level')
  .addOption(logFormatOption())
  .action(async (opts: { config: string; logLevel?: string; logFormat?: LogFormat }) => {
    // Each command loads only its own modules: serve never loads watch's client or dump's renderer.
    const { serve } = await import('./serve.js');
    await serve(opts);
  });

program
  .command('dump')
  .description('sync every registry once and print what serve would serve, as Kubernetes manifests')
  .requiredOption('-c, --config <file>', 'config file (YAML)')
  .addOption(outputOption())
  .option('--timeout <duration>', 'how long to wait for the first sync', duration, 60_000)
  .addOption(logFormatOption())
  .action(async (opts: { config: string; output: OutputFormat; timeout: number; logFormat?: LogFormat }) => {
    const { dump } = await import('./dump.js');
    await dump({ ...opts, write: (s) => stdout.write(s) });
    await exitWhenWritten(0);
  });

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
  .addOption(logFormatOption())
  .action(
    async (opts: {
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
      logFormat?: LogFormat;
    }) => {
      const logger = cliLogger(process.env['REGISTRY_BRIDGE_LOG_LEVEL'] ?? 'info', opts.logFormat);
      const { runWatch } = await import('./watch.js');
      await runWatch({
        ...opts,
        timeoutMs: opts.timeout,
        tls: clientTls(opts),
        write: (s) => stdout.write(s),
        logger,
      });
      await exitWhenWritten(0);
    },
  );

// `serve` resolves once it is up and keeps running; `dump` and `watch` end the process themselves.
program
  .parseAsync(process.argv)
  .catch((err: unknown) =>
    err instanceof CommandLineExit ? exitWhenWritten(err.exitCode) : exitWithError(err),
  );

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { BridgeError, errorMessage } from '../errors.js';
import { SERVED_KINDS } from '../codec/kinds.js';
import type { ClientInfo } from '../mcp/stream-host.js';
import type { RegistryStatus } from '../pipeline/status.js';
import type { StoreView } from '../store/view.js';
import type { MetricsSnapshot } from '../telemetry/telemetry.js';

/**
 * What the admin server reads: the store's read view and snapshots. It never
 * holds the pipeline or the xDS server themselves.
 */
export interface AdminSources {
  readonly store: StoreView;
  readonly metrics: MetricsSnapshot;
  registries(): readonly RegistryStatus[];
  conflicts(): readonly { key: string; owners: readonly string[] }[];
  hostConflicts(): readonly { host: string; registries: readonly string[] }[];
  clients(): readonly ClientInfo[];
  readonly logger: Logger;
}

/** Health, readiness, Prometheus metrics and JSON debug views on one HTTP port. */
export class AdminServer {
  private server: Server | undefined;

  constructor(private readonly deps: AdminSources) {}

  listen(address: string): Promise<number> {
    const idx = address.lastIndexOf(':');
    const host = address.slice(0, idx).replace(/^\[|\]$/g, '');
    const port = Number(address.slice(idx + 1));
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.deps.logger.error({ err }, 'admin request failed');
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', (err) =>
        reject(
          new BridgeError(
            'IRB_ADMIN_LISTEN',
            `cannot listen for admin HTTP on ${address}: ${errorMessage(err)}`,
          ),
        ),
      );
      server.listen(port, host, () => {
        const addr = server.address();
        const bound = typeof addr === 'object' && addr ? addr.port : port;
        this.deps.logger.info({ address, port: bound }, 'admin server listening');
        resolve(bound);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server) return resolve();
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req.url);
    if (url === undefined) return text(res, 400, 'bad request target\n');
    const { store, metrics } = this.deps;
    switch (url.pathname) {
      case '/healthz':
        return text(res, 200, 'ok\n');
      case '/readyz': {
        if (store.isComplete()) return text(res, 200, 'ready\n');
        const waiting = this.deps
          .registries()
          .filter((r) => !r.synced)
          .map((r) => r.name);
        return text(res, 503, `waiting for the first sync of: ${waiting.join(', ')}\n`);
      }
      case '/metrics': {
        const body = await metrics.render();
        res.writeHead(200, { 'content-type': metrics.contentType });
        res.end(body);
        return;
      }
      case '/debug/resources': {
        const format = url.searchParams.get('format');
        if (format === 'yaml') {
          // Loaded on first use: the YAML writer is not part of every start.
          const { renderManifests, toManifest } = await import('../manifest/render.js');
          const manifests = SERVED_KINDS.flatMap((k) =>
            store
              .kind(k)
              .keys()
              .map((key) => {
                const e = store.kind(k).get(key)!;
                return toManifest(e.resource, e.version);
              }),
          );
          res.writeHead(200, { 'content-type': 'application/yaml' });
          res.end(renderManifests(manifests, 'yaml'));
          return;
        }
        const out: Record<string, unknown> = {};
        for (const k of SERVED_KINDS) {
          const ks = store.kind(k);
          out[k] = {
            version: ks.version(),
            count: ks.size,
            resources: ks.keys().map((key) => {
              const e = ks.get(key)!;
              return { name: key, version: e.version, spec: e.resource.spec };
            }),
          };
        }
        return json(res, { gateOpen: store.isComplete(), kinds: out });
      }
      case '/debug/clients':
        return json(res, { clients: this.deps.clients() });
      case '/debug/registries':
        return json(res, {
          registries: this.deps.registries(),
          conflicts: this.deps.conflicts(),
          hostConflicts: this.deps.hostConflicts(),
        });
      default:
        return text(
          res,
          404,
          'not found; try /healthz /readyz /metrics /debug/resources[?format=yaml] /debug/clients /debug/registries\n',
        );
    }
  }
}

/**
 * The request target as a URL, or undefined when it is not one (`//%zz`):
 * that is the client's mistake, a 400, not a server error.
 */
function requestUrl(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? '/', 'http://admin');
  } catch {
    return undefined;
  }
}

function text(res: ServerResponse, code: number, body: string): void {
  res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(body);
}

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(`${JSON.stringify(body, null, 2)}\n`);
}

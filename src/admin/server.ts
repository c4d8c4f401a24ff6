import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { BridgeError, errorMessage } from '../errors.js';
import { renderManifests, toManifest } from '../manifest/render.js';
import type { AdsServer } from '../mcp/server.js';
import { SERVED_KINDS } from '../mcp/type-urls.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import { serviceWarnings } from '../pipeline/registry-state.js';
import type { ResourceStore } from '../store/resource-store.js';
import type { Metrics } from './metrics.js';

export interface AdminDeps {
  readonly store: ResourceStore;
  readonly pipeline: Pipeline;
  readonly ads: AdsServer;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

/** Health, readiness, Prometheus metrics and JSON debug views on one HTTP port. */
export class AdminServer {
  private server: Server | undefined;

  constructor(private readonly deps: AdminDeps) {}

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
    const url = new URL(req.url ?? '/', 'http://admin');
    const { pipeline, store, ads, metrics } = this.deps;
    switch (url.pathname) {
      case '/healthz':
        return text(res, 200, 'ok\n');
      case '/readyz': {
        const waiting = pipeline
          .registryStates()
          .filter((r) => !r.synced)
          .map((r) => r.identity.name);
        if (waiting.length === 0) return text(res, 200, 'ready\n');
        return text(res, 503, `waiting for the first sync of: ${waiting.join(', ')}\n`);
      }
      case '/metrics': {
        for (const r of pipeline.registryStates()) {
          const since = r.staleSince;
          metrics.registryStaleSeconds.set(
            { registry: r.identity.name, type: r.identity.type },
            since === undefined ? 0 : (Date.now() - since) / 1000,
          );
        }
        const body = await metrics.registry.metrics();
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(body);
        return;
      }
      case '/debug/resources': {
        const format = url.searchParams.get('format');
        if (format === 'yaml') {
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
        return json(res, { gateOpen: ads.isGateOpen(), kinds: out });
      }
      case '/debug/clients':
        return json(res, { clients: ads.clients() });
      case '/debug/registries':
        return json(res, {
          registries: pipeline.registryStates().map((r) => ({
            name: r.identity.name,
            type: r.identity.type,
            namespace: r.identity.namespace,
            state: r.state(),
            services: r.services.size,
            syncedAt: r.syncedAt && new Date(r.syncedAt).toISOString(),
            staleSince: r.staleSince && new Date(r.staleSince).toISOString(),
            lastChangeAt: r.lastChangeAt && new Date(r.lastChangeAt).toISOString(),
            lastError: r.lastError,
            lastErrorCode: r.lastErrorCode,
            badInput: r.badInput,
            warnings: [...r.services.values()]
              .filter((s) => s.warnings.length > 0 || s.conflicts.size > 0)
              .slice(0, 500)
              .map((s) => ({ service: s.name, warnings: serviceWarnings(s) })),
          })),
          conflicts: pipeline.conflicts(),
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

function text(res: ServerResponse, code: number, body: string): void {
  res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(body);
}

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(`${JSON.stringify(body, null, 2)}\n`);
}

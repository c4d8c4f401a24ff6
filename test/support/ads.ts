import { afterEach } from 'node:test';
import type { Logger } from 'pino';
import type { XdsLimits } from '../../src/mcp/limits.js';
import { AdsServer } from '../../src/mcp/server.js';
import type { ServiceEntryResource } from '../../src/model/istio.js';
import { ResourceStore } from '../../src/store/resource-store.js';
import { PrometheusTelemetry } from '../../src/telemetry/prometheus.js';
import type { MetricsSnapshot } from '../../src/telemetry/telemetry.js';
import { silentLogger } from './bridge.js';

export function serviceEntry(name: string, address = '10.0.0.1', namespace = 'ns'): ServiceEntryResource {
  return {
    kind: 'ServiceEntry',
    namespace,
    name,
    labels: {},
    annotations: {},
    spec: {
      hosts: [`${name}.${namespace}`],
      ports: [{ number: 80, protocol: 'HTTP', name: 'http-80' }],
      location: 'MESH_INTERNAL',
      resolution: 'STATIC',
      endpoints: [{ address }],
    },
  };
}

export interface AdsFixture {
  store: ResourceStore;
  server: AdsServer;
  metrics: PrometheusTelemetry;
  address: string;
  put(name: string, address?: string): void;
  del(name: string): void;
  close(): Promise<void>;
}

/** A real gRPC ADS server on a free loopback port, fed directly through its store. */
export async function startAds(
  opts: {
    gate?: boolean;
    debounceMs?: number;
    maxDelayMs?: number;
    limits?: Partial<XdsLimits>;
    logger?: Logger;
  } = {},
): Promise<AdsFixture> {
  const store = new ResourceStore();
  const metrics = new PrometheusTelemetry();
  const server = new AdsServer(store, metrics, opts.logger ?? silentLogger, {
    debounceMs: opts.debounceMs ?? 0,
    maxDelayMs: opts.maxDelayMs ?? 1000,
    delta: true,
    limits: opts.limits,
  });
  const port = await server.listen('127.0.0.1:0');
  if (opts.gate !== false) store.markComplete();
  return {
    store,
    server,
    metrics,
    address: `127.0.0.1:${port}`,
    put: (name, address) => void store.apply('ServiceEntry', [serviceEntry(name, address)], []),
    del: (name) => void store.apply('ServiceEntry', [], [`ns/${name}`]),
    close: () => server.close(500),
  };
}

/** Sums the samples of one metric (matching `labels`) in the exposition text the admin port serves. */
export async function metricValue(
  metrics: MetricsSnapshot,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await metrics.render();
  if (!text.includes(`# TYPE ${name} `)) throw new Error(`no metric ${name}`);
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = new Map<string, string>();
    for (const pair of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      got.set(
        pair[1]!,
        pair[2]!.replace(/\\(.)/g, (_all, c: string) => (c === 'n' ? '\n' : c)),
      );
    }
    if (Object.entries(labels).every(([k, v]) => got.get(k) === v)) sum += Number(m[3]);
  }
  return sum;
}

/**
 * For a test file: one fixture at a time and the streams opened on it, all
 * closed after each test. `fx()` is the current fixture.
 */
export function adsTestContext<S extends { close(): void }>(open: (address: string) => S) {
  let current: AdsFixture | undefined;
  const streams: S[] = [];
  afterEach(async () => {
    for (const s of streams.splice(0)) s.close();
    await current?.close();
    current = undefined;
  });
  return {
    start: async (opts?: Parameters<typeof startAds>[0]): Promise<AdsFixture> =>
      (current = await startAds(opts)),
    connect: (f: AdsFixture): S => {
      const s = open(f.address);
      streams.push(s);
      return s;
    },
  };
}

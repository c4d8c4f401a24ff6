/**
 * Consul benchmark against a real agent (test/support/consul.ts), with the
 * bridge as a child process (`registry-bridge serve`) so its event loop is its
 * own; the bench process holds only the measuring clients.
 *
 * [4] Change-to-push latency: one service, 200 changes one at a time (TTL
 *     check fail/pass, instance register/deregister). For each, from Consul
 *     answering the PUT to (a) a bare blocking query on node:http returning the
 *     new state and (b) the bridge's SotW ServiceEntry response showing it.
 * [5] Cold start with 1,000 services x 5 instances: bridge spawn to the first
 *     full ServiceEntry response, against a bare client fetching the catalog
 *     and every service's health with the same concurrency.
 * Figures are reported against the bare client measured in the same run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { connect } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIN_INTERVAL_MS } from '../src/adapters/consul/blocking-loop.js';
import { sharedWaitMs } from '../src/adapters/consul/semaphore.js';
import { decodeMcpResource } from '../src/codec/decode.js';
import { istiodLikeNode, openSotw, type DiscoveryResponseMsg } from '../src/mcp/client.js';
import { ConsulAgent, findConsul, ttlCheck } from '../test/support/consul.js';
import { freePort } from '../test/support/ports.js';
import { median, percentile, verdict } from './stats.js';

const SE = 'networking.istio.io/v1/ServiceEntry';
const CLI = join(import.meta.dirname, '..', 'src', 'cli', 'main.js');
const LAT_SERVICE = 'bench-lat';
const CHANGES = Number(process.env['BENCH_CONSUL_CHANGES'] ?? 200);
const COLD_SERVICES = Number(process.env['BENCH_CONSUL_SERVICES'] ?? 1000);
const COLD_INSTANCES = 5;
const COLD_NODES = 250;
const COLD_RUNS = 3;
/** The bridge's default maxConcurrentQueries; the bare client uses the same cap. */
const CONCURRENCY = 100;
const SPACED_GAP_MS = 150;
/** The bridge's blocking `wait`. */
const WAIT_MS = 30_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The latest value seen by one watcher, and when; `until` waits for a value to match. */
class Latest<T> {
  value: T | undefined;
  at = 0;
  private waiters: { pred: (v: T) => boolean; resolve: (at: number) => void }[] = [];

  set(value: T, at: number): void {
    this.value = value;
    this.at = at;
    const ready = this.waiters.filter((w) => w.pred(value));
    this.waiters = this.waiters.filter((w) => !w.pred(value));
    for (const w of ready) w.resolve(at);
  }

  /** When a matching value arrived (possibly already, which may be before the caller's t0). */
  until(pred: (v: T) => boolean, timeoutMs: number, what: string): Promise<number> {
    if (this.value !== undefined && pred(this.value)) return Promise.resolve(this.at);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== entry);
        reject(new Error(`${what}: not seen within ${timeoutMs} ms (last value ${String(this.value)})`));
      }, timeoutMs);
      const entry = {
        pred,
        resolve: (at: number) => {
          clearTimeout(timer);
          resolve(at);
        },
      };
      this.waiters.push(entry);
    });
  }
}

interface HttpAnswer {
  status: number;
  index: string | undefined;
  body: string;
}

function httpGet(agent: http.Agent, url: string, signal?: AbortSignal): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const index = res.headers['x-consul-index'];
        resolve({
          status: res.statusCode ?? 0,
          index: Array.isArray(index) ? index[0] : index,
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
      res.on('error', reject);
    });
    req.on('error', (err) => reject(new Error(`GET ${url}: ${err.message}`, { cause: err })));
  });
}

async function getJson(agent: http.Agent, url: string): Promise<unknown> {
  const res = await httpGet(agent, url);
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${res.body}`);
  return JSON.parse(res.body) as unknown;
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

interface HealthEntry {
  Checks?: { Status?: string }[];
}

function passingCount(body: unknown): number {
  return (body as HealthEntry[]).filter((e) => (e.Checks ?? []).every((c) => c.Status === 'passing')).length;
}

/** The bare watcher: a plain blocking-query loop on one service, nothing else. */
async function bareWatch(base: string, name: string, state: Latest<number>, signal: AbortSignal) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let index = '0';
  try {
    while (!signal.aborted) {
      const res = await httpGet(agent, `${base}/v1/health/service/${name}?index=${index}&wait=30s`, signal);
      const at = performance.now();
      if (res.status !== 200) throw new Error(`bare watcher: ${res.status} ${res.body}`);
      if (res.index !== undefined && res.index !== index) {
        index = res.index;
        state.set(passingCount(JSON.parse(res.body)), at);
      }
    }
  } catch (err) {
    if (!signal.aborted) throw err;
  } finally {
    agent.destroy();
  }
}

/** Bridge children still running, killed by PID if the bench dies. */
const liveChildren = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of liveChildren) {
    try {
      if (c.pid !== undefined) process.kill(c.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** `registry-bridge serve` as a child process on free loopback ports; stopped by PID. */
class BridgeChild {
  private out = '';
  readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly xdsPort: number,
    readonly spawnedAt: number,
  ) {
    const onData = (d: Buffer): void => {
      this.out += d.toString();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    liveChildren.add(child);
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        liveChildren.delete(child);
        resolve();
      }),
    );
  }

  static async start(consul: string, include: string[]): Promise<BridgeChild> {
    const dir = mkdtempSync(join(tmpdir(), 'irb-bench-consul-'));
    const xdsPort = await freePort();
    const adminPort = await freePort();
    const config = {
      xds: { address: `127.0.0.1:${xdsPort}`, debounce: 0 },
      admin: { address: `127.0.0.1:${adminPort}` },
      log: { level: 'warn' },
      registries: [
        {
          name: 'consul',
          type: 'consul',
          address: consul,
          wait: WAIT_MS,
          maxConcurrentQueries: CONCURRENCY,
          services: { include },
        },
      ],
    };
    // JSON is valid YAML.
    writeFileSync(join(dir, 'config.yaml'), JSON.stringify(config));
    const spawnedAt = performance.now();
    const child = spawn(process.execPath, [CLI, 'serve', '--config', join(dir, 'config.yaml')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new BridgeChild(child, dir, xdsPort, spawnedAt);
  }

  get xds(): string {
    return `127.0.0.1:${this.xdsPort}`;
  }

  output(): string {
    return this.out;
  }

  /** Polls the xDS port (gRPC's own reconnect back-off would add up to a second). */
  async waitListening(timeoutMs = 15_000): Promise<number> {
    const end = performance.now() + timeoutMs;
    for (;;) {
      if (this.child.exitCode !== null || this.child.signalCode !== null)
        throw new Error(`bridge exited during start:\n${this.out}`);
      const ok = await new Promise<boolean>((resolve) => {
        const s = connect(this.xdsPort, '127.0.0.1');
        s.once('connect', () => {
          s.destroy();
          resolve(true);
        });
        s.once('error', () => resolve(false));
      });
      if (ok) return performance.now();
      if (performance.now() > end)
        throw new Error(`bridge xDS port not open in ${timeoutMs} ms:\n${this.out}`);
      await sleep(2);
    }
  }

  /** SIGTERM by PID, SIGKILL after 5 s; removes the folder. */
  async stop(): Promise<void> {
    const c = this.child;
    if (c.exitCode === null && c.signalCode === null && c.pid !== undefined) {
      const timer = setTimeout(() => process.kill(c.pid!, 'SIGKILL'), 5_000);
      process.kill(c.pid, 'SIGTERM');
      await this.exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A SotW client like istiod's: subscribes to ServiceEntry and ACKs every response. */
function watchServiceEntries(
  xds: string,
  onResponse: (res: DiscoveryResponseMsg, at: number) => void,
): { close(): void; done: Promise<void> } {
  const stream = openSotw(xds);
  let closed = false;
  stream.send({ node: istiodLikeNode('bench~consul'), typeUrl: SE, resourceNames: [], responseNonce: '' });
  const done = (async () => {
    while (!closed) {
      let res: DiscoveryResponseMsg;
      try {
        res = await stream.next(3_600_000);
      } catch (err) {
        if (closed) return;
        throw err;
      }
      const at = performance.now();
      stream.send({ typeUrl: res.typeUrl, versionInfo: res.versionInfo, responseNonce: res.nonce });
      onResponse(res, at);
    }
  })();
  return {
    close: () => {
      closed = true;
      stream.close();
    },
    done,
  };
}

function endpointCount(res: DiscoveryResponseMsg, name: string): number | undefined {
  for (const any of res.resources) {
    const d = decodeMcpResource(any);
    if ('error' in d) throw new Error(`bridge sent a resource istiod would drop: ${d.error}`);
    if (d.resource.kind === 'ServiceEntry' && d.resource.name === name)
      return d.resource.spec.endpoints?.length ?? 0;
  }
  return undefined;
}

const fmt = (ms: number): string => ms.toFixed(1);

type ChangeKind = 'check fail' | 'check pass' | 'register' | 'deregister';
interface Sample {
  kind: ChangeKind;
  bare: number;
  bridge: number;
}

function report(title: string, samples: Sample[], headline: boolean): void {
  const p = (xs: number[], q: number): string => fmt(percentile(xs, q));
  const line = (of: Sample[]): string => {
    const bare = of.map((s) => s.bare);
    const bridge = of.map((s) => s.bridge);
    return `bare p50 ${p(bare, 50)} / p99 ${p(bare, 99)} ms, bridge p50 ${p(bridge, 50)} / p99 ${p(bridge, 99)} ms`;
  };
  console.log(`  ${title}:`);
  console.log(`    all ${samples.length}: ${line(samples)}`);
  for (const kind of [...new Set(samples.map((s) => s.kind))]) {
    console.log(`      ${kind.padEnd(10)} ${line(samples.filter((s) => s.kind === kind))}`);
  }
  const perChange = samples.map((s) => s.bridge - s.bare);
  console.log(`    per change, bridge minus bare: p50 ${p(perChange, 50)} ms, p99 ${p(perChange, 99)} ms`);
  const bareMs = samples.map((s) => s.bare);
  const bridgeMs = samples.map((s) => s.bridge);
  const add = percentile(bridgeMs, 99) - percentile(bareMs, 99);
  console.log(
    `    ${headline ? '' : '(for comparison) '}bridge adds ${fmt(add)} ms at p99 over the bare watcher (target <= 20 ms: ${verdict(add <= 20)})`,
  );
}

async function latencyBench(bin: string): Promise<void> {
  const consul = await ConsulAgent.start(bin);
  const abort = new AbortController();
  let bridge: BridgeChild | undefined;
  let ads: ReturnType<typeof watchServiceEntries> | undefined;
  let bare: Promise<void> | undefined;
  try {
    const base = ['lat-1', 'lat-2', 'lat-3'];
    for (const [i, id] of base.entries()) {
      await consul.registerService({
        ID: id,
        Name: LAT_SERVICE,
        Address: `127.0.1.${i + 1}`,
        Port: 8080,
        Checks: [ttlCheck(`${id}-ttl`)],
      });
    }
    const bareState = new Latest<number>();
    const bridgeState = new Latest<number>();
    bare = bareWatch(consul.address, LAT_SERVICE, bareState, abort.signal);
    bridge = await BridgeChild.start(consul.address, [LAT_SERVICE]);
    await bridge.waitListening();
    ads = watchServiceEntries(bridge.xds, (res, at) => {
      const n = endpointCount(res, LAT_SERVICE);
      if (n !== undefined) bridgeState.set(n, at);
    });
    await bareState.until((v) => v === 3, 10_000, 'bare watcher, initial state');
    await bridgeState.until((v) => v === 3, 10_000, 'bridge, initial state');

    const changes: { kind: ChangeKind; expect: number; put: () => Promise<void> }[] = [
      { kind: 'check fail', expect: 2, put: () => consul.setCheck('lat-1-ttl', 'critical') },
      { kind: 'check pass', expect: 3, put: () => consul.setCheck('lat-1-ttl', 'passing') },
      {
        kind: 'register',
        expect: 4,
        put: () =>
          consul.registerService({
            ID: 'lat-4',
            Name: LAT_SERVICE,
            Address: '127.0.1.4',
            Port: 8080,
            Checks: [ttlCheck('lat-4-ttl')],
          }),
      },
      { kind: 'deregister', expect: 3, put: () => consul.deregisterService('lat-4') },
    ];
    const run = async (gapMs: number): Promise<Sample[]> => {
      const samples: Sample[] = [];
      for (let i = 0; i < CHANGES; i++) {
        const c = changes[i % changes.length]!;
        const what = `change ${i} (${c.kind})`;
        if (gapMs > 0) await sleep(gapMs);
        await c.put();
        const t0 = performance.now();
        const [tb, tx] = await Promise.all([
          bareState.until((v) => v === c.expect, 10_000, `bare watcher, ${what}`),
          bridgeState.until((v) => v === c.expect, 10_000, `bridge, ${what}`),
        ]);
        samples.push({ kind: c.kind, bare: tb - t0, bridge: tx - t0 });
      }
      return samples;
    };
    console.log(
      `[4] Consul change -> push, ${CHANGES} changes one at a time (from the PUT answered to the new state seen; bridge as a child process, xds.debounce 0)`,
    );
    report('a) back to back (next change as soon as both saw the last one)', await run(0), true);
    report(
      `b) ${SPACED_GAP_MS} ms pause before each change (outside the adapter's ${MIN_INTERVAL_MS} ms minimum between requests of one watch)`,
      await run(SPACED_GAP_MS),
      false,
    );
  } finally {
    ads?.close();
    abort.abort();
    await bare?.catch(() => undefined);
    await ads?.done.catch(() => undefined);
    await bridge?.stop();
    await consul.stop();
  }
}

function coldName(i: number): string {
  return `cold-${String(i).padStart(4, '0')}`;
}

async function registerColdServices(consul: ConsulAgent): Promise<void> {
  const regs: { svc: number; inst: number }[] = [];
  for (let s = 0; s < COLD_SERVICES; s++)
    for (let j = 0; j < COLD_INSTANCES; j++) regs.push({ svc: s, inst: j });
  await pool(regs, 32, async ({ svc, inst }) => {
    const n = (svc * COLD_INSTANCES + inst) % COLD_NODES;
    const node = `node-${n}`;
    const id = `${coldName(svc)}-${inst}`;
    await consul.catalogRegister({
      Node: node,
      Address: `10.20.${n >> 8}.${n & 255}`,
      NodeMeta: { zone: `z${n % 3}` },
      Service: { ID: id, Service: coldName(svc), Port: 8080, Tags: ['protocol=http', `v${inst % 2}`] },
      Checks: [{ Node: node, CheckID: `${id}-check`, Name: 'alive', Status: 'passing', ServiceID: id }],
    });
  });
}

/** The bare client: catalog, then every service's health, `CONCURRENCY` at a time. */
async function bareColdStart(base: string): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  try {
    const t0 = performance.now();
    const catalog = (await getJson(agent, `${base}/v1/catalog/services`)) as Record<string, unknown>;
    const names = Object.keys(catalog).filter((n) => n.startsWith('cold-'));
    let instances = 0;
    await pool(names, CONCURRENCY, async (name) => {
      const body = await getJson(agent, `${base}/v1/health/service/${encodeURIComponent(name)}`);
      instances += (body as unknown[]).length;
    });
    const ms = performance.now() - t0;
    if (names.length !== COLD_SERVICES || instances !== COLD_SERVICES * COLD_INSTANCES)
      throw new Error(`bare client saw ${names.length} services, ${instances} instances`);
    return ms;
  } finally {
    agent.destroy();
  }
}

/** Bridge spawn -> first ServiceEntry response holding every service. */
async function bridgeColdStart(base: string): Promise<{ totalMs: number; listenMs: number }> {
  const bridge = await BridgeChild.start(base, ['cold-*']);
  let ads: ReturnType<typeof watchServiceEntries> | undefined;
  try {
    const listening = await bridge.waitListening();
    const full = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no full response in 60 s:\n${bridge.output()}`)),
        60_000,
      );
      ads = watchServiceEntries(bridge.xds, (res, at) => {
        if (res.resources.length >= COLD_SERVICES) {
          clearTimeout(timer);
          resolve(at);
        }
      });
    });
    const at = await full;
    return { totalMs: at - bridge.spawnedAt, listenMs: listening - bridge.spawnedAt };
  } finally {
    ads?.close();
    await ads?.done.catch(() => undefined);
    await bridge.stop();
  }
}

async function coldStartBench(bin: string): Promise<void> {
  const consul = await ConsulAgent.start(bin);
  try {
    const t = performance.now();
    await registerColdServices(consul);
    console.log(
      `    registered ${COLD_SERVICES} services x ${COLD_INSTANCES} instances on ${COLD_NODES} nodes in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    const bare: number[] = [];
    const bridge: number[] = [];
    const listen: number[] = [];
    for (let r = 0; r < COLD_RUNS; r++) {
      bare.push(await bareColdStart(consul.address));
      const b = await bridgeColdStart(consul.address);
      bridge.push(b.totalMs);
      listen.push(b.listenMs);
      // Consul 1.8 keeps a blocking query's connection until its wait ends, even after the
      // client closed it, and caps connections per client IP at 200 (limits.http_max_conns_per_client):
      // the stopped bridge's health queries plus the next run's would pass it, so let them run out
      // (their shared wait, see semaphore.ts, plus Consul's wait/16 jitter).
      const lingering = Math.min(COLD_SERVICES, CONCURRENCY) + 2;
      if (r < COLD_RUNS - 1 && lingering + CONCURRENCY + 2 > 200) {
        const shared = sharedWaitMs(WAIT_MS, CONCURRENCY, COLD_SERVICES);
        await sleep(shared + shared / 16 + 500);
      }
    }
    const mb = median(bare);
    const mx = median(bridge);
    const list = (xs: number[]): string => xs.map((x) => x.toFixed(0)).join(', ');
    console.log(
      `[5] Consul cold start, ${COLD_SERVICES} services x ${COLD_INSTANCES} instances (median of ${COLD_RUNS}, concurrency ${CONCURRENCY}):`,
    );
    console.log(`    bare client (catalog + every health query): ${mb.toFixed(0)} ms (${list(bare)})`);
    console.log(
      `    bridge, spawn -> full ServiceEntry response: ${mx.toFixed(0)} ms (${list(bridge)}), of which process start to xDS port open ${median(listen).toFixed(0)} ms`,
    );
    console.log(
      `    -> bridge ${(mx / mb).toFixed(1)}x the bare client (${((mx - median(listen)) / mb).toFixed(1)}x counting from the xDS port open)`,
    );
  } finally {
    await consul.stop();
  }
}

export async function runConsulBench(): Promise<void> {
  const bin = findConsul();
  if (bin === undefined) {
    console.log(
      'consul bench skipped: consul not found (set CONSUL_BIN or put consul on PATH; .ci/install-consul.sh installs it)',
    );
    return;
  }
  const t0 = performance.now();
  await latencyBench(bin);
  await coldStartBench(bin);
  console.log(`    (Consul bench took ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}

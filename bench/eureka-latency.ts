/**
 * Eureka benchmark against the real fixture server (test/support/eureka.ts),
 * with the bridge as a child process (`registry-bridge serve`).
 *
 * [6] Registration-to-push: one app, 100 changes one at a time (register,
 *     deregister, OUT_OF_SERVICE, back to UP), each at a random moment of the
 *     refresh cycle. For each: from Eureka answering the REST call to (a) a
 *     bare delta poller seeing it in /apps/delta, and (b) the bridge's SotW
 *     ServiceEntry response showing it. Both poll with the same interval and
 *     the same phase: the bridge reads Eureka through a pass-through proxy
 *     here, and each of its delta requests fires the bare poller's, so the
 *     difference is the bridge's own work (read, verify, convert, push) plus
 *     the proxy hop, not a difference of poll timing.
 * [7] Bytes per refresh with 2,000 instances (200 apps x 10): a full fetch
 *     against a delta (no change, one change, ten changes), as the adapter's
 *     client receives them (gzip) and uncompressed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { EurekaClient } from '../src/adapters/eureka/client.js';
import { decodeMcpResource } from '../src/codec/decode.js';
import { istiodLikeNode, openSotw, type DiscoveryResponseMsg } from '../src/mcp/client.js';
import { EurekaServer, eurekaFixture } from '../test/support/eureka.js';
import { freePort } from '../test/support/ports.js';
import { percentile, verdict } from './stats.js';

const SE = 'networking.istio.io/v1/ServiceEntry';
const CLI = join(import.meta.dirname, '..', 'src', 'cli', 'main.js');
const CHANGES = Number(process.env['BENCH_EUREKA_CHANGES'] ?? 100);
const REFRESH_MS = Number(process.env['BENCH_EUREKA_REFRESH_MS'] ?? 1000);
const APPS = 200;
const PER_APP = 10;
/** Long enough for both pollers to see every change; short so [7]'s steady delta is empty. */
const DELTA_RETENTION_MS = 4000;
const LAT_APP = 'BENCH-LAT';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const fmt = (ms: number): string => ms.toFixed(1);

/** The first time a value matching a predicate was seen. */
class Seen<T> {
  private value: T | undefined;
  private at = 0;
  private waiters: { pred: (v: T) => boolean; resolve: (at: number) => void }[] = [];

  set(value: T, at: number): void {
    this.value = value;
    this.at = at;
    const ready = this.waiters.filter((w) => w.pred(value));
    this.waiters = this.waiters.filter((w) => !w.pred(value));
    for (const w of ready) w.resolve(at);
  }

  until(pred: (v: T) => boolean, timeoutMs: number, what: string): Promise<number> {
    if (this.value !== undefined && pred(this.value)) return Promise.resolve(this.at);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${what}: not seen within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        pred,
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
      });
    });
  }
}

interface DeltaEntry {
  instanceId: string;
  status: string;
  actionType: string;
}

/** The latest state of each instance of LAT_APP in a delta answer. */
function latAppEntries(body: string): Map<string, DeltaEntry> {
  const out = new Map<string, DeltaEntry>();
  const apps = (JSON.parse(body) as { applications?: { application?: unknown } }).applications?.application;
  for (const app of Array.isArray(apps) ? apps : []) {
    const a = app as { name?: string; instance?: unknown };
    if (a.name !== LAT_APP || !Array.isArray(a.instance)) continue;
    for (const i of a.instance as DeltaEntry[]) out.set(i.instanceId, i);
  }
  return out;
}

function get(agent: http.Agent, url: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/**
 * A pass-through proxy in front of Eureka for the bridge; `onDelta` runs when
 * the bridge asks for /apps/delta (before the request is forwarded).
 */
async function startProxy(
  target: URL,
  onDelta: () => void,
): Promise<{ base: string; close(): Promise<void> }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const server = http.createServer((req, res) => {
    if (req.url?.endsWith('/apps/delta')) onDelta();
    const up = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: req.url,
        method: req.method,
        headers: req.headers,
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    up.on('error', () => {
      res.statusCode = 502;
      res.end();
    });
    req.pipe(up);
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${port}/eureka`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      agent.destroy();
    },
  };
}

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) if (c.pid !== undefined && c.exitCode === null) process.kill(c.pid, 'SIGKILL');
});

/** `registry-bridge serve` reading `address`, as a child process; stopped by PID. */
async function startBridge(
  address: string,
): Promise<{ xds: string; output: () => string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'irb-bench-eureka-'));
  const xds = `127.0.0.1:${await freePort()}`;
  const config = {
    xds: { address: xds, debounce: 0 },
    admin: { address: `127.0.0.1:${await freePort()}` },
    log: { level: 'warn' },
    registries: [
      {
        name: 'eureka',
        type: 'eureka',
        address,
        refreshInterval: REFRESH_MS,
        services: { include: [LAT_APP.toLowerCase()] },
      },
    ],
  };
  writeFileSync(join(dir, 'config.yaml'), JSON.stringify(config));
  const child = spawn(process.execPath, [CLI, 'serve', '--config', join(dir, 'config.yaml')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    xds,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.kill('SIGTERM');
        await exited;
        clearTimeout(timer);
      }
      children.delete(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An istiod-like SotW client: subscribes to ServiceEntry, ACKs, reports each response. */
function watchServiceEntries(xds: string, onResponse: (res: DiscoveryResponseMsg, at: number) => void) {
  let closed = false;
  let stream: ReturnType<typeof openSotw> | undefined;
  const done = (async () => {
    // The bridge's port opens a moment after spawn: retry until it answers.
    while (!closed) {
      stream = openSotw(xds);
      stream.send({
        node: istiodLikeNode('bench~eureka'),
        typeUrl: SE,
        resourceNames: [],
        responseNonce: '',
      });
      try {
        for (;;) {
          const res = await stream.next(3_600_000);
          const at = performance.now();
          stream.send({ typeUrl: res.typeUrl, versionInfo: res.versionInfo, responseNonce: res.nonce });
          onResponse(res, at);
        }
      } catch {
        stream.close();
        if (!closed) await sleep(100);
      }
    }
  })();
  return {
    close: () => {
      closed = true;
      stream?.close();
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

type Kind = 'register' | 'deregister' | 'out of service' | 'back to UP';
interface Change {
  readonly kind: Kind;
  /** Healthy endpoints the bridge serves after it. */
  readonly endpoints: number;
  /** Whether a delta answer shows it. */
  readonly inDelta: (entries: ReadonlyMap<string, DeltaEntry>) => boolean;
  readonly apply: () => Promise<void>;
}

async function latencyBench(server: EurekaServer): Promise<void> {
  const base = ['lat-1', 'lat-2', 'lat-3'];
  for (const [i, id] of base.entries()) await server.register({ app: LAT_APP, id, ip: `127.0.1.${i + 1}` });
  const bare = new Seen<Map<string, DeltaEntry>>();
  const pushed = new Seen<number>();
  const bareAgent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  const barePoll = (): void => {
    get(bareAgent, `${server.address}/apps/delta`, { accept: 'application/json' })
      .then((body) => bare.set(latAppEntries(body), performance.now()))
      .catch(() => undefined);
  };
  const proxy = await startProxy(new URL(server.address), barePoll);
  const bridge = await startBridge(proxy.base);
  const ads = watchServiceEntries(bridge.xds, (res, at) => {
    const n = endpointCount(res, LAT_APP.toLowerCase());
    if (n !== undefined) pushed.set(n, at);
  });
  try {
    await pushed.until((n) => n === 3, 60_000, 'bridge, initial state');
    const changes: Change[] = [
      {
        kind: 'register',
        endpoints: 4,
        inDelta: (e) => e.get('lat-4')?.actionType === 'ADDED' || e.get('lat-4')?.actionType === 'MODIFIED',
        apply: () => server.register({ app: LAT_APP, id: 'lat-4', ip: '127.0.1.4' }),
      },
      {
        kind: 'deregister',
        endpoints: 3,
        inDelta: (e) => e.get('lat-4')?.actionType === 'DELETED',
        apply: () => server.deregister(LAT_APP, 'lat-4'),
      },
      {
        kind: 'out of service',
        endpoints: 2,
        inDelta: (e) => e.get('lat-1')?.status === 'OUT_OF_SERVICE',
        apply: () => server.setStatus(LAT_APP, 'lat-1', 'OUT_OF_SERVICE'),
      },
      {
        kind: 'back to UP',
        endpoints: 3,
        inDelta: (e) => e.get('lat-1')?.status === 'UP',
        apply: () => server.clearStatus(LAT_APP, 'lat-1'),
      },
    ];
    const samples: { kind: Kind; bare: number; bridge: number }[] = [];
    const timeout = 10 * REFRESH_MS + 10_000;
    for (let i = 0; i < CHANGES; i++) {
      const c = changes[i % changes.length]!;
      await sleep(Math.random() * REFRESH_MS); // a random moment of the refresh cycle
      await c.apply();
      const t0 = performance.now();
      const [tb, tx] = await Promise.all([
        bare.until(c.inDelta, timeout, `bare poller, change ${i} (${c.kind})`),
        pushed.until((n) => n === c.endpoints, timeout, `bridge, change ${i} (${c.kind})`),
      ]);
      samples.push({ kind: c.kind, bare: tb - t0, bridge: tx - t0 });
    }
    const p = (xs: number[], q: number): string => fmt(percentile(xs, q));
    const line = (of: typeof samples): string => {
      const b = of.map((s) => s.bare);
      const x = of.map((s) => s.bridge);
      return `bare p50 ${p(b, 50)} / p99 ${p(b, 99)} ms, bridge p50 ${p(x, 50)} / p99 ${p(x, 99)} ms`;
    };
    console.log(
      `[6] Eureka registration -> push, ${CHANGES} changes one at a time, refreshInterval ${REFRESH_MS} ms (bridge as a child process, xds.debounce 0; bare delta poller fired with each bridge delta request)`,
    );
    console.log(`    all ${samples.length}: ${line(samples)}`);
    for (const kind of new Set(samples.map((s) => s.kind))) {
      console.log(`      ${kind.padEnd(15)} ${line(samples.filter((s) => s.kind === kind))}`);
    }
    const diff = samples.map((s) => s.bridge - s.bare);
    const worst = [...diff]
      .sort((a, b) => b - a)
      .slice(0, 3)
      .map(fmt)
      .join(', ');
    console.log(
      `    per change, bridge minus bare: p50 ${p(diff, 50)} ms, p99 ${p(diff, 99)} ms (largest: ${worst} ms)`,
    );
    console.log(
      `    machine load while measuring (1-minute average): ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`,
    );
    const add =
      percentile(
        samples.map((s) => s.bridge),
        99,
      ) -
      percentile(
        samples.map((s) => s.bare),
        99,
      );
    console.log(
      `    bridge adds ${fmt(add)} ms at p99 over the bare delta poller (target <= 20 ms: ${verdict(add <= 20)})`,
    );
  } catch (err) {
    console.log(`    bridge output:\n${bridge.output()}`);
    throw err;
  } finally {
    ads.close();
    await ads.done.catch(() => undefined);
    await bridge.stop();
    await proxy.close();
    bareAgent.destroy();
  }
}

async function bytesBench(server: EurekaServer): Promise<void> {
  const t = performance.now();
  const regs: { app: string; id: string; ip: string }[] = [];
  for (let a = 0; a < APPS; a++) {
    for (let k = 0; k < PER_APP; k++) {
      const n = a * PER_APP + k;
      regs.push({
        app: `bench-app-${String(a).padStart(3, '0')}`,
        id: `i-${n}`,
        ip: `10.30.${n >> 8}.${n & 255}`,
      });
    }
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < regs.length) {
        const r = regs[next++]!;
        await server.register({ ...r, metadata: { zone: `z${next % 3}`, version: 'v1', protocol: 'http' } });
      }
    }),
  );
  const instances = regs.length;
  console.log(
    `[7] Eureka bytes per refresh, ${APPS} apps x ${PER_APP} instances (+ the ${LAT_APP} app), registered in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  await sleep(DELTA_RETENTION_MS + 3000); // the registrations age out of the delta queue
  const client = new EurekaClient({ addresses: [server.address], deltaTimeoutMs: 30_000 });
  const signal = new AbortController().signal;
  const plainAgent = new http.Agent({ keepAlive: true });
  const plain = async (path: string): Promise<number> =>
    Buffer.byteLength(await get(plainAgent, `${server.address}${path}`, { accept: 'application/json' }));
  try {
    const sizes = async (kind: 'full' | 'delta'): Promise<[number, number]> => [
      (await client.fetch(kind, signal)).wireBytes,
      await plain(kind === 'full' ? '/apps' : '/apps/delta'),
    ];
    const row = (label: string, [gz, raw]: [number, number]): void =>
      console.log(
        `    ${label.padEnd(34)} ${String(gz).padStart(9)} B gzip  ${String(raw).padStart(10)} B plain`,
      );
    const full = await sizes('full');
    row(`full fetch (/apps, ${instances + 3} instances)`, full);
    const quiet = await sizes('delta');
    row('delta, no change', quiet);
    await server.setStatus('BENCH-APP-007', 'i-70', 'OUT_OF_SERVICE');
    const one = await sizes('delta');
    row('delta, 1 change', one);
    for (let k = 0; k < 10; k++) await server.setMetadata('BENCH-APP-042', `i-${420 + k}`, { version: 'v2' });
    const ten = await sizes('delta');
    row('delta, 11 changes in the window', ten);
    console.log(
      `    -> a quiet refresh moves ${((quiet[0] / full[0]) * 100).toFixed(2)}% of a full fetch's bytes; one change ${((one[0] / full[0]) * 100).toFixed(2)}%`,
    );
  } finally {
    client.close();
    plainAgent.destroy();
  }
}

export async function runEurekaBench(): Promise<void> {
  const fixture = eurekaFixture();
  if ('missing' in fixture) {
    console.log(`eureka bench skipped: ${fixture.missing}`);
    return;
  }
  const t0 = performance.now();
  const server = await EurekaServer.start(fixture, { deltaRetentionMs: DELTA_RETENTION_MS });
  try {
    await latencyBench(server);
    await bytesBench(server);
  } finally {
    await server.stop();
  }
  console.log(`    (Eureka bench took ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}

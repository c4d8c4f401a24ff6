/**
 * ZooKeeper benchmark against a real server (test/support/zookeeper.ts), the
 * bridge running as a child process (`registry-bridge serve`, xds.debounce 0).
 *
 * [6] Provider add/remove → push: one interface with 3 providers, 100
 *     changes one at a time (a 4th provider's ephemeral node created, then
 *     deleted). For each, from ZooKeeper acknowledging the write to (a) a bare
 *     node-zookeeper-client child watcher (getChildren + re-arm) seeing the new
 *     list and (b) the bridge's SotW ServiceEntry response showing it.
 * [7] Cold start, 5,000 interfaces x 4 providers: bridge spawn to the first
 *     ServiceEntry response holding every interface, against a bare client
 *     listing the root and every providers folder with the same concurrency
 *     (100, the bridge's default maxConcurrentReads).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zookeeper from 'node-zookeeper-client';
import { decodeMcpResource } from '../src/codec/decode.js';
import { istiodLikeNode, openSotw, type DiscoveryResponseMsg } from '../src/mcp/client.js';
import { DubboZk, javaUrlEncode, providerUrl } from '../test/support/dubbo-zk.js';
import { freePort } from '../test/support/ports.js';
import { ZooKeeperServer, findZooKeeper } from '../test/support/zookeeper.js';
import { median, percentile, verdict } from './stats.js';

const SE = 'networking.istio.io/v1/ServiceEntry';
const CLI = join(import.meta.dirname, '..', 'src', 'cli', 'main.js');
const LAT_IFACE = 'bench.Lat';
const LAT_SE_NAME = 'bench-lat';
const CHANGES = Number(process.env['BENCH_ZK_CHANGES'] ?? 100);
const COLD_IFACES = Number(process.env['BENCH_ZK_INTERFACES'] ?? 5000);
const COLD_PROVIDERS = 4;
const COLD_RUNS = 3;
const CONCURRENCY = 100;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const fmt = (ms: number): string => ms.toFixed(1);
type ZkClient = ReturnType<typeof zookeeper.createClient>;

/** A value seen by one watcher and when it arrived; `when` waits until it matches. */
class Seen {
  private value: number | undefined;
  private at = 0;
  private waiting: { want: number; done: (at: number) => void }[] = [];

  set(value: number, at: number): void {
    this.value = value;
    this.at = at;
    const hit = this.waiting.filter((w) => w.want === value);
    this.waiting = this.waiting.filter((w) => w.want !== value);
    for (const w of hit) w.done(at);
  }

  when(want: number, timeoutMs: number, what: string): Promise<number> {
    if (this.value === want) return Promise.resolve(this.at);
    return new Promise((resolve, reject) => {
      const entry = {
        want,
        done: (at: number) => {
          clearTimeout(timer);
          resolve(at);
        },
      };
      const timer = setTimeout(() => {
        this.waiting = this.waiting.filter((w) => w !== entry);
        reject(new Error(`${what}: ${want} not seen in ${timeoutMs} ms (last ${String(this.value)})`));
      }, timeoutMs);
      this.waiting.push(entry);
    });
  }
}

function connectClient(address: string): Promise<ZkClient> {
  const c = zookeeper.createClient(address, { sessionTimeout: 10_000, spinDelay: 100 });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no ZooKeeper session in 15 s')), 15_000);
    c.once('connected', () => {
      clearTimeout(timer);
      resolve(c);
    });
    c.connect();
  });
}

/** node-zookeeper-client's Exception inherits from Error at run time. */
function asError(e: unknown): Error {
  return e as Error;
}

function listChildren(c: ZkClient, path: string, watcher?: () => void): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const done = (err: unknown, children: string[]): void => (err ? reject(asError(err)) : resolve(children));
    if (watcher) c.getChildren(path, watcher, done);
    else c.getChildren(path, done);
  });
}

/** The bare watcher: getChildren with a watch, re-armed in the callback, nothing else. */
function bareChildWatcher(c: ZkClient, path: string, seen: Seen): void {
  const arm = (): void => {
    c.getChildren(path, arm, (err, children) => {
      const at = performance.now();
      if (!err) seen.set(children.length, at);
    });
  };
  arm();
}

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) if (c.pid !== undefined && c.exitCode === null) process.kill(c.pid, 'SIGKILL');
});

/** `registry-bridge serve` on free loopback ports with debounce 0; stopped by PID. */
async function spawnBridge(
  zkAddress: string,
  include: string[],
): Promise<{ xds: string; spawnedAt: number; listening: () => Promise<number>; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'irb-bench-zk-'));
  const xdsPort = await freePort();
  const config = {
    xds: { address: `127.0.0.1:${xdsPort}`, debounce: 0 },
    admin: { address: `127.0.0.1:${await freePort()}` },
    log: { level: 'warn' },
    registries: [
      {
        name: 'zk',
        type: 'zookeeper',
        address: zkAddress,
        maxConcurrentReads: CONCURRENCY,
        services: { include },
      },
    ],
  };
  writeFileSync(join(dir, 'config.yaml'), JSON.stringify(config));
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [CLI, 'serve', '--config', join(dir, 'config.yaml')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    xds: `127.0.0.1:${xdsPort}`,
    spawnedAt,
    listening: async () => {
      const end = performance.now() + 30_000;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`bridge exited:\n${out}`);
        const ok = await new Promise<boolean>((resolve) => {
          const s = connect(xdsPort, '127.0.0.1');
          s.once('connect', () => {
            s.destroy();
            resolve(true);
          });
          s.once('error', () => resolve(false));
        });
        if (ok) return performance.now();
        if (performance.now() > end) throw new Error(`bridge xDS port not open:\n${out}`);
        await sleep(2);
      }
    },
    stop: async () => {
      if (child.exitCode === null && child.pid !== undefined) {
        process.kill(child.pid, 'SIGTERM');
        const timer = setTimeout(() => child.pid !== undefined && process.kill(child.pid, 'SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      children.delete(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An istiod-like SotW client on ServiceEntry that ACKs every response. */
function subscribe(
  xds: string,
  onResponse: (res: DiscoveryResponseMsg, at: number) => void,
): () => Promise<void> {
  const stream = openSotw(xds);
  let closed = false;
  stream.send({ node: istiodLikeNode('bench~zookeeper'), typeUrl: SE, resourceNames: [], responseNonce: '' });
  const loop = (async () => {
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
  return async () => {
    closed = true;
    stream.close();
    await loop.catch(() => undefined);
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

async function latencyBench(zk: ZooKeeperServer): Promise<void> {
  const writer = await DubboZk.connect(zk.address, { sessionMs: 10_000 });
  const bare = await connectClient(zk.address);
  const bridge = await spawnBridge(zk.address, [LAT_IFACE]);
  let unsubscribe: (() => Promise<void>) | undefined;
  try {
    for (let i = 1; i <= 3; i++) {
      await writer.registerProvider(
        LAT_IFACE,
        providerUrl({ host: `10.30.0.${i}`, port: 20880, iface: LAT_IFACE }),
      );
    }
    const bareSeen = new Seen();
    const bridgeSeen = new Seen();
    bareChildWatcher(bare, writer.providersPath(LAT_IFACE), bareSeen);
    await bridge.listening();
    unsubscribe = subscribe(bridge.xds, (res, at) => {
      const n = endpointCount(res, LAT_SE_NAME);
      if (n !== undefined) bridgeSeen.set(n, at);
    });
    await bareSeen.when(3, 10_000, 'bare watcher, initial');
    await bridgeSeen.when(3, 20_000, 'bridge, initial');
    const fourth = providerUrl({ host: '10.30.0.4', port: 20880, iface: LAT_IFACE });
    const samples: { kind: string; bare: number; bridge: number }[] = [];
    for (let i = 0; i < CHANGES; i++) {
      const add = i % 2 === 0;
      await sleep(20);
      if (add) await writer.registerProvider(LAT_IFACE, fourth);
      else await writer.unregisterProvider(LAT_IFACE, fourth);
      const t0 = performance.now();
      const want = add ? 4 : 3;
      const [tb, tx] = await Promise.all([
        bareSeen.when(want, 10_000, `bare watcher, change ${i}`),
        bridgeSeen.when(want, 10_000, `bridge, change ${i}`),
      ]);
      samples.push({ kind: add ? 'add' : 'remove', bare: tb - t0, bridge: tx - t0 });
    }
    const p = (xs: number[], q: number): string => fmt(percentile(xs, q));
    const line = (of: typeof samples): string => {
      const b = of.map((s) => s.bare);
      const x = of.map((s) => s.bridge);
      return `bare p50 ${p(b, 50)} / p99 ${p(b, 99)} ms, bridge p50 ${p(x, 50)} / p99 ${p(x, 99)} ms`;
    };
    console.log(
      `[6] ZooKeeper provider add/remove -> push, ${CHANGES} changes one at a time (from the write acknowledged to the new state seen; bridge as a child process, xds.debounce 0)`,
    );
    console.log(`    all ${samples.length}: ${line(samples)}`);
    for (const kind of ['add', 'remove'])
      console.log(`      ${kind.padEnd(6)} ${line(samples.filter((s) => s.kind === kind))}`);
    const added =
      percentile(
        samples.map((s) => s.bridge),
        99,
      ) -
      percentile(
        samples.map((s) => s.bare),
        99,
      );
    console.log(
      `    bridge adds ${fmt(added)} ms at p99 over the bare watcher (target <= 20 ms: ${verdict(added <= 20)})`,
    );
  } finally {
    await unsubscribe?.();
    await bridge.stop();
    bare.close();
    await writer.close();
  }
}

function coldIface(i: number): string {
  return `bench.cold.Service${String(i).padStart(4, '0')}`;
}

/** Writes the cold-start tree with persistent nodes, `CONCURRENCY` creates in flight. */
async function writeColdTree(zk: ZooKeeperServer): Promise<void> {
  const writer = await DubboZk.connect(zk.address, { sessionMs: 10_000 });
  try {
    await writer.mkdirp('/dubbo');
    const jobs: (() => Promise<void>)[] = [];
    for (let i = 0; i < COLD_IFACES; i++) {
      const iface = coldIface(i);
      jobs.push(async () => {
        await writer.create(`/dubbo/${iface}`, Buffer.alloc(0), 0);
        await writer.create(`/dubbo/${iface}/providers`, Buffer.alloc(0), 0);
        for (let j = 0; j < COLD_PROVIDERS; j++) {
          const url = providerUrl({
            host: `10.40.${(i >> 6) & 255}.${((i & 63) << 2) + j}`,
            port: 20880 + j,
            iface,
            params: { version: `1.${j % 2}.0`, group: 'bench' },
          });
          await writer.create(`/dubbo/${iface}/providers/${javaUrlEncode(url)}`, Buffer.alloc(0), 0);
        }
      });
    }
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < jobs.length) await jobs[next++]!();
      }),
    );
  } finally {
    await writer.close();
  }
}

/** The bare client: a new session, the root listed, then every providers folder with a watch. */
async function bareColdStart(address: string): Promise<number> {
  const t0 = performance.now();
  const c = await connectClient(address);
  try {
    const ifaces = (await listChildren(c, '/dubbo', () => undefined)).filter((n) =>
      n.startsWith('bench.cold.'),
    );
    let providers = 0;
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < ifaces.length) {
          const iface = ifaces[next++]!;
          const listed = await listChildren(c, `/dubbo/${iface}/providers`, () => undefined);
          providers += listed.length;
        }
      }),
    );
    const ms = performance.now() - t0;
    if (ifaces.length !== COLD_IFACES || providers !== COLD_IFACES * COLD_PROVIDERS) {
      throw new Error(`bare client saw ${ifaces.length} interfaces, ${providers} providers`);
    }
    return ms;
  } finally {
    c.close();
  }
}

async function bridgeColdStart(address: string): Promise<{ total: number; listen: number }> {
  const bridge = await spawnBridge(address, ['bench.cold.*']);
  let unsubscribe: (() => Promise<void>) | undefined;
  try {
    const listening = await bridge.listening();
    const full = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no full response in 120 s')), 120_000);
      unsubscribe = subscribe(bridge.xds, (res, at) => {
        if (res.resources.length >= COLD_IFACES) {
          clearTimeout(timer);
          resolve(at);
        }
      });
    });
    const at = await full;
    return { total: at - bridge.spawnedAt, listen: listening - bridge.spawnedAt };
  } finally {
    await unsubscribe?.();
    await bridge.stop();
  }
}

async function coldStartBench(zk: ZooKeeperServer): Promise<void> {
  const t = performance.now();
  await writeColdTree(zk);
  console.log(
    `    wrote ${COLD_IFACES} interfaces x ${COLD_PROVIDERS} providers in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  const bare: number[] = [];
  const bridge: number[] = [];
  const listen: number[] = [];
  for (let r = 0; r < COLD_RUNS; r++) {
    bare.push(await bareColdStart(zk.address));
    const b = await bridgeColdStart(zk.address);
    bridge.push(b.total);
    listen.push(b.listen);
  }
  const mb = median(bare);
  const mx = median(bridge);
  const ml = median(listen);
  const list = (xs: number[]): string => xs.map((x) => x.toFixed(0)).join(', ');
  console.log(
    `[7] ZooKeeper cold start, ${COLD_IFACES} interfaces x ${COLD_PROVIDERS} providers (median of ${COLD_RUNS}, ${CONCURRENCY} reads in flight):`,
  );
  console.log(
    `    bare client (session + root + every providers folder): ${mb.toFixed(0)} ms (${list(bare)})`,
  );
  console.log(
    `    bridge, spawn -> full ServiceEntry response: ${mx.toFixed(0)} ms (${list(bridge)}), of which process start to xDS port open ${ml.toFixed(0)} ms`,
  );
  const fromListen = (mx - ml) / mb;
  console.log(
    `    -> bridge ${(mx / mb).toFixed(1)}x the bare client, ${fromListen.toFixed(1)}x counting from the xDS port open (target <= 2x: ${verdict(fromListen <= 2)})`,
  );
}

export async function runZookeeperBench(): Promise<void> {
  const install = findZooKeeper();
  if (install === undefined) {
    console.log(
      'zookeeper bench skipped: java or /usr/share/java/zookeeper.jar missing (.ci/install-zookeeper.sh)',
    );
    return;
  }
  const t0 = performance.now();
  const zk = await ZooKeeperServer.start(install);
  try {
    await latencyBench(zk);
    await coldStartBench(zk);
  } finally {
    await zk.stop();
  }
  console.log(`    (ZooKeeper bench took ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}

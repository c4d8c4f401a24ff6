/**
 * ZooKeeper benchmark against a real server (test/support/zookeeper.ts), the
 * bridge running as a child process (`registry-bridge serve`, xds.debounce 0).
 *
 * [6] Provider add/remove → push: one interface with 3 providers, 100
 *     changes one at a time (a 4th provider's ephemeral node created, then
 *     deleted). For each, from ZooKeeper acknowledging the write to (a) a bare
 *     node-zookeeper-client child watcher (getChildren + re-arm) seeing the new
 *     list and (b) the bridge's SotW ServiceEntry response showing it.
 * [7] Cold start, 5,000 interfaces x 4 providers, both sides fresh node
 *     processes timed from spawn: the bridge to its first ServiceEntry
 *     response holding every interface and provider, against a bare client
 *     program (support/bare-zookeeper-child.ts, node-zookeeper-client) that
 *     opens a session and lists the root and every providers folder with a
 *     watch, 100 reads in flight (the bridge's default maxConcurrentReads),
 *     until it has seen every provider. The ratio is judged against issue
 *     11's target (<= 1.5x). The same read inside the already-warm bench
 *     process is printed for reference only: it pays no process start and
 *     runs warm code, so it is not a like-for-like baseline.
 */
import { DubboZk, javaUrlEncode, providerUrl } from '../test/support/dubbo-zk.js';
import { ZooKeeperServer, findZooKeeper } from '../test/support/zookeeper.js';
import { timeBareChild, type BareRun } from './support/bare-child.js';
import { assertSeen } from './support/bare-done.js';
import { connectClient, readProviders, type ZkClient } from './support/bare-zookeeper-read.js';
import { BridgeChild } from './support/bridge-child.js';
import { coldStartRound, emptyRuns, printColdStart } from './support/cold-start-report.js';
import { Latest } from './support/latest.js';
import {
  addedAtP99,
  addedAtP99Verdict,
  printLatencyByKind,
  type LatencySample,
} from './support/latency-report.js';
import { inParallel } from '../test/support/in-parallel.js';
import { endpointCount, watchServiceEntries, type ServiceEntryWatch } from './support/service-entry-watch.js';
const LAT_IFACE = 'bench.Lat';
const LAT_SE_NAME = 'bench-lat';
const CHANGES = Number(process.env['BENCH_ZK_CHANGES'] ?? 100);
const COLD_IFACES = Number(process.env['BENCH_ZK_INTERFACES'] ?? 5000);
const COLD_PROVIDERS = 4;
const COLD_RUNS = 3;
const CONCURRENCY = 100;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** The bare watcher: getChildren with a watch, re-armed in the callback, nothing else. */
function bareChildWatcher(c: ZkClient, path: string, seen: Latest<number>): void {
  const arm = (): void => {
    c.getChildren(path, arm, (err, children) => {
      const at = performance.now();
      if (!err) seen.set(children.length, at);
    });
  };
  arm();
}

/** `registry-bridge serve` on `zkAddress`, selecting `include`. */
function startBridge(zkAddress: string, include: string[]): Promise<BridgeChild> {
  return BridgeChild.start('irb-bench-zk-', {
    name: 'zk',
    type: 'zookeeper',
    address: zkAddress,
    maxConcurrentReads: CONCURRENCY,
    services: { include },
  });
}

async function latencyBench(zk: ZooKeeperServer): Promise<void> {
  const writer = await DubboZk.connect(zk.address, { sessionMs: 10_000 });
  const bare = await connectClient(zk.address);
  const bridge = await startBridge(zk.address, [LAT_IFACE]);
  let ads: ServiceEntryWatch | undefined;
  try {
    for (let i = 1; i <= 3; i++) {
      await writer.registerProvider(
        LAT_IFACE,
        providerUrl({ host: `10.30.0.${i}`, port: 20880, iface: LAT_IFACE }),
      );
    }
    const bareSeen = new Latest<number>();
    const bridgeSeen = new Latest<number>();
    bareChildWatcher(bare, writer.providersPath(LAT_IFACE), bareSeen);
    await bridge.waitListening(30_000);
    ads = watchServiceEntries(bridge.xds, 'bench~zookeeper', (res, at) => {
      const n = endpointCount(res, LAT_SE_NAME);
      if (n !== undefined) bridgeSeen.set(n, at);
    });
    await bareSeen.until((n) => n === 3, 10_000, 'bare watcher, initial');
    await bridgeSeen.until((n) => n === 3, 20_000, 'bridge, initial');
    const fourth = providerUrl({ host: '10.30.0.4', port: 20880, iface: LAT_IFACE });
    const samples: LatencySample[] = [];
    for (let i = 0; i < CHANGES; i++) {
      const add = i % 2 === 0;
      await sleep(20);
      if (add) await writer.registerProvider(LAT_IFACE, fourth);
      else await writer.unregisterProvider(LAT_IFACE, fourth);
      const t0 = performance.now();
      const want = add ? 4 : 3;
      const [tb, tx] = await Promise.all([
        bareSeen.until((n) => n === want, 10_000, `bare watcher, change ${i}`),
        bridgeSeen.until((n) => n === want, 10_000, `bridge, change ${i}`),
      ]);
      samples.push({ kind: add ? 'add' : 'remove', bare: tb - t0, bridge: tx - t0 });
    }
    console.log(
      `[6] ZooKeeper provider add/remove -> push, ${CHANGES} changes one at a time (from the write acknowledged to the new state seen; bridge as a child process, xds.debounce 0)`,
    );
    printLatencyByKind(samples, 6);
    console.log(`    ${addedAtP99Verdict(addedAtP99(samples), 'bare watcher')}`);
  } finally {
    ads?.close();
    await ads?.done.catch(() => undefined);
    await bridge.stop();
    bare.close();
    await writer.close();
  }
}

const COLD_ROOT = '/dubbo';
const COLD_PREFIX = 'bench.cold.';

function coldIface(i: number): string {
  return `${COLD_PREFIX}Service${String(i).padStart(4, '0')}`;
}

/** Writes the cold-start tree with persistent nodes, `CONCURRENCY` creates in flight. */
async function writeColdTree(zk: ZooKeeperServer): Promise<void> {
  const writer = await DubboZk.connect(zk.address, { sessionMs: 10_000 });
  try {
    await writer.mkdirp(COLD_ROOT);
    const jobs: (() => Promise<void>)[] = [];
    for (let i = 0; i < COLD_IFACES; i++) {
      const iface = coldIface(i);
      jobs.push(async () => {
        await writer.create(`${COLD_ROOT}/${iface}`, Buffer.alloc(0), 0);
        await writer.create(`${COLD_ROOT}/${iface}/providers`, Buffer.alloc(0), 0);
        for (let j = 0; j < COLD_PROVIDERS; j++) {
          const url = providerUrl({
            host: `10.40.${(i >> 6) & 255}.${((i & 63) << 2) + j}`,
            port: 20880 + j,
            iface,
            params: { version: `1.${j % 2}.0`, group: 'bench' },
          });
          await writer.create(`${COLD_ROOT}/${iface}/providers/${javaUrlEncode(url)}`, Buffer.alloc(0), 0);
        }
      });
    }
    await inParallel(jobs, CONCURRENCY, (job) => job());
  } finally {
    await writer.close();
  }
}

const COLD_SEEN = { services: COLD_IFACES, instances: COLD_IFACES * COLD_PROVIDERS };

/** The bare client inside the bench process (warm, no process start), for reference: session and reads. */
async function bareInProcess(address: string): Promise<number> {
  const t0 = performance.now();
  const c = await connectClient(address);
  try {
    const seen = await readProviders(c, COLD_ROOT, COLD_PREFIX, CONCURRENCY);
    const ms = performance.now() - t0;
    assertSeen(seen, COLD_SEEN, 'bare client in the bench process');
    return ms;
  } finally {
    c.close();
  }
}

/** The bare client as a program of its own: spawn to everything read. */
function bareChild(address: string): Promise<BareRun> {
  return timeBareChild(
    'bare-zookeeper-child',
    [address, COLD_ROOT, COLD_PREFIX, String(CONCURRENCY)],
    COLD_SEEN,
    120_000,
  );
}

async function coldStartBench(zk: ZooKeeperServer): Promise<void> {
  const t = performance.now();
  await writeColdTree(zk);
  console.log(
    `    wrote ${COLD_IFACES} interfaces x ${COLD_PROVIDERS} providers in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  const runs = emptyRuns();
  for (let r = 0; r < COLD_RUNS; r++) {
    await coldStartRound(runs, {
      inProcess: () => bareInProcess(zk.address),
      bareChild: () => bareChild(zk.address),
      startBridge: () => startBridge(zk.address, [`${COLD_PREFIX}*`]),
      nodeId: 'bench~zookeeper',
      seen: COLD_SEEN,
      listenTimeoutMs: 30_000,
      fullTimeoutMs: 120_000,
      serverPid: zk.pid,
    });
  }
  console.log(
    `[7] ZooKeeper cold start, ${COLD_IFACES} interfaces x ${COLD_PROVIDERS} providers (median of ${COLD_RUNS}, ${CONCURRENCY} reads in flight; each run: in-process reference, bare child, bridge):`,
  );
  printColdStart(runs, 'session, root and every providers folder listed');
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

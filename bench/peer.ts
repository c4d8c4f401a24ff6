/**
 * The bridge's xDS server next to a go-control-plane v0.14 server (LinearCache +
 * the v3 ADS server, bench/peer/) serving byte-identical MCP resources: N
 * ServiceEntries x 10 endpoints, generated once by the bridge's own pipeline
 * and written to a file the peer reads. Prints one table per scale, medians of
 * BENCH_PEER_RUNS (7) runs, a raw loopback TCP transfer of the same bytes, and
 * the same bytes pushed on an open stream by a bare node:http2 server (no gRPC).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as connectH2 } from 'node:http2';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeMcpResource } from '../src/codec/decode.js';
import { protoTypes } from '../src/codec/proto.js';
import { goPeerBinary } from './support/go-peer.js';
import { imageNodeOptions } from '../test/support/image-node-options.js';
import { LineChild } from './support/line-child.js';
import { cpuMs, peakRssMb, resetPeakRss, rssMb } from './support/proc-stats.js';
import { H2AdsClient } from './support/h2-ads-client.js';
import { GO_GRPC_BDP_LIMIT, RawAdsClient, scanResponse, type RawResponse } from './support/raw-ads-client.js';
import { median, verdict } from './stats.js';

const SETTLE_MS = 150;
const IDLE_MS = 3_000;
const BASELINE_RUNS = 11;
/**
 * Full fetches each server gets before its timed ones. The bridge's connection path runs in
 * V8's interpreter at first: in one scratch run at 1k its CPU per fetch was 2.9-6.0 ms in fetches
 * 2-17 and 2.0-3.5 ms after, while the Go peer's was 2.0-7.6 ms throughout
 * (docs/performance.md#warm-fetches). Their median is printed as a row of its own.
 */
const WARMUP_FETCHES = 20;

interface Figures {
  fetchMs: number;
  fetchCpuMs: number;
  /** Median CPU of the untimed warm-up fetches, the first (with its one-off set-up) left out. */
  warmupFetchCpuMs: number;
  pushCpuMs: number;
  /** A connected grpc-js client: from the change to the whole new state handed over as one buffer. */
  pushMs: number;
  /** A connected bare HTTP/2 client (support/h2-ads-client.ts): from the change to the last byte received. */
  pushWireMs: number;
  steadyRssMb: number;
  /** CPU with no client connected, ms per second (timers, monitors). */
  idleCpuMsPerS: number;
  peakRssMb: number;
  bytes: Buffer;
  /** Ours only: garbage collections per full fetch / per full-state push (all, major). */
  gc?: { fetch: [number, number]; push: [number, number] };
}

interface Server {
  readonly child: LineChild;
  readonly address: string;
  readonly gc: boolean;
}

async function gcCount(s: Server): Promise<[number, number]> {
  if (!s.gc) return [0, 0];
  s.child.send('gc');
  const [, total, major] = (await s.child.line('gc ')).split(' ');
  return [Number(total), Number(major)];
}

async function fetchOnce(s: Server): Promise<{ ms: number; cpu: number; res: RawResponse }> {
  await sleep(SETTLE_MS);
  const cpu0 = cpuMs(s.child.pid);
  const t0 = performance.now();
  const c = new RawAdsClient(s.address);
  const res = await c.next();
  c.close();
  await sleep(SETTLE_MS);
  return { ms: res.at - t0, cpu: cpuMs(s.child.pid) - cpu0, res };
}

async function connectAll(s: Server, n: number, together: boolean): Promise<RawAdsClient[]> {
  const clients: RawAdsClient[] = [];
  if (together) {
    for (let i = 0; i < n; i++) clients.push(new RawAdsClient(s.address));
    const first = await Promise.all(clients.map((c) => c.next()));
    clients.forEach((c, i) => c.ack(first[i]!));
  } else {
    for (let i = 0; i < n; i++) {
      const c = new RawAdsClient(s.address);
      c.ack(await c.next());
      clients.push(c);
    }
  }
  return clients;
}

interface PushClient {
  next(): Promise<RawResponse>;
  ack(res: RawResponse): void;
  close(): void;
}

/** `runs` full-state pushes to one connected client: time to received, and the server's CPU. */
async function pushes(
  s: Server,
  watcher: PushClient,
  runs: number,
): Promise<{ ms: number[]; cpu: number[] }> {
  const ms: number[] = [];
  const cpu: number[] = [];
  try {
    watcher.ack(await watcher.next());
    for (let i = 0; i < runs; i++) {
      await sleep(SETTLE_MS);
      const cpu0 = cpuMs(s.child.pid);
      const t0 = performance.now();
      s.child.send('push');
      const res = await watcher.next();
      ms.push(res.at - t0);
      watcher.ack(res);
      await sleep(SETTLE_MS);
      cpu.push(cpuMs(s.child.pid) - cpu0);
    }
  } finally {
    watcher.close();
  }
  return { ms, cpu };
}

async function measure(s: Server, runs: number): Promise<Figures> {
  const warmupCpu: number[] = [];
  for (let i = 0; i < WARMUP_FETCHES; i++) {
    const f = await fetchOnce(s);
    if (i > 0) warmupCpu.push(f.cpu);
  }
  const fetchMs: number[] = [];
  const fetchCpu: number[] = [];
  let bytes: Buffer = Buffer.alloc(0);
  const gcF0 = await gcCount(s);
  for (let i = 0; i < runs; i++) {
    const f = await fetchOnce(s);
    fetchMs.push(f.ms);
    fetchCpu.push(f.cpu);
    bytes = f.res.bytes;
  }
  const gcF1 = await gcCount(s);

  const gcP0 = await gcCount(s);
  const viaGrpc = await pushes(s, new RawAdsClient(s.address), runs);
  const gcP1 = await gcCount(s);
  const atWire = await pushes(s, await H2AdsClient.open(s.address), runs);

  const steady = await connectAll(s, 7, false);
  await sleep(2_000);
  const steadyRss = rssMb(s.child.pid);
  for (const c of steady) c.close();
  await sleep(1_000);

  const peaks: number[] = [];
  for (let i = 0; i < runs; i++) {
    resetPeakRss(s.child.pid);
    const clients = await connectAll(s, 10, true);
    await sleep(300);
    peaks.push(peakRssMb(s.child.pid));
    for (const c of clients) c.close();
    await sleep(1_000);
  }
  await sleep(1_000);
  const idle0 = cpuMs(s.child.pid);
  await sleep(IDLE_MS);
  const idleCpu = ((cpuMs(s.child.pid) - idle0) * 1000) / IDLE_MS;
  const per = (a: [number, number], b: [number, number]): [number, number] => [
    (b[0] - a[0]) / runs,
    (b[1] - a[1]) / runs,
  ];
  return {
    fetchMs: median(fetchMs),
    fetchCpuMs: median(fetchCpu),
    warmupFetchCpuMs: median(warmupCpu),
    pushCpuMs: median(viaGrpc.cpu),
    pushMs: median(viaGrpc.ms),
    pushWireMs: median(atWire.ms),
    steadyRssMb: steadyRss,
    idleCpuMsPerS: idleCpu,
    peakRssMb: median(peaks),
    bytes,
    ...(s.gc ? { gc: { fetch: per(gcF0, gcF1), push: per(gcP0, gcP1) } } : {}),
  };
}

/** Sorted digests of every resource's Any bytes: equal when both servers serve the same bytes in any order. */
function resourceDigest(bytes: Buffer): { digest: string; count: number } {
  const { resources } = scanResponse(bytes);
  const each = resources.map((r) => createHash('sha256').update(r).digest('hex')).sort();
  return { digest: createHash('sha256').update(each.join()).digest('hex'), count: resources.length };
}

function decodeMs(bytes: Buffer): number {
  const samples: number[] = [];
  const T = protoTypes().DiscoveryResponse;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const msg = T.decode(bytes) as unknown as { resources: Array<{ type_url: string; value: Uint8Array }> };
    for (const any of msg.resources) decodeMcpResource(any);
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

async function rawTcpMs(size: number, runs: number): Promise<number> {
  const child = LineChild.start(process.execPath, [
    join(import.meta.dirname, 'support', 'raw-tcp-child.js'),
    String(size),
  ]);
  const port = Number((await child.line('listening ')).split(' ')[1]);
  const samples: number[] = [];
  for (let i = 0; i <= runs; i++) {
    await sleep(SETTLE_MS);
    const t0 = performance.now();
    const got = await new Promise<number>((resolve, reject) => {
      let n = 0;
      const s = connect(port, '127.0.0.1');
      s.on('data', (d: Buffer) => (n += d.length));
      s.on('end', () => resolve(n));
      s.on('error', reject);
    });
    if (got !== size) throw new Error(`raw TCP got ${got} of ${size} bytes`);
    if (i > 0) samples.push(performance.now() - t0);
  }
  await child.stop();
  return median(samples);
}

/**
 * The same bytes pushed by a bare node:http2 server (support/raw-h2-child.ts) on a stream the
 * client holds open, timed like the bridge's push: from the command to the last byte received.
 * The client opens its windows like the bench's gRPC client; frames are the client's default
 * 16 KiB (what a Go gRPC client, istiod, accepts). What no HTTP/2 server in Node can beat.
 */
async function rawH2PushMs(size: number, runs: number): Promise<number> {
  const child = LineChild.start(process.execPath, [
    join(import.meta.dirname, 'support', 'raw-h2-child.js'),
    String(size),
  ]);
  const port = Number((await child.line('listening ')).split(' ')[1]);
  const session = connectH2(`http://127.0.0.1:${port}`, {
    settings: { initialWindowSize: GO_GRPC_BDP_LIMIT },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      session.once('connect', () => resolve());
      session.once('error', reject);
    });
    session.setLocalWindowSize(GO_GRPC_BDP_LIMIT);
    const stream = session.request({ ':method': 'POST', ':path': '/push' }, { endStream: false });
    await new Promise<void>((resolve, reject) => {
      stream.once('response', () => resolve());
      stream.once('error', reject);
    });
    let got = 0;
    let want = 0;
    let arrived: ((at: number) => void) | undefined;
    let failed: ((err: Error) => void) | undefined;
    stream.on('data', (d: Buffer) => {
      got += d.length;
      if (got >= want && arrived) arrived(performance.now());
    });
    const fail = (err: Error): void => failed?.(err);
    stream.on('error', fail);
    session.on('error', fail);
    stream.on('close', () => fail(new Error('bare HTTP/2 stream closed')));
    const samples: number[] = [];
    for (let i = 0; i <= runs; i++) {
      await sleep(SETTLE_MS);
      want += size;
      const done = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`bare HTTP/2 push: ${got} of ${want} bytes in 60 s`)),
          60_000,
        );
        arrived = (at) => {
          clearTimeout(timer);
          resolve(at);
        };
        failed = (err) => {
          clearTimeout(timer);
          reject(err);
        };
      });
      const t0 = performance.now();
      child.send('push');
      const at = await done;
      if (i > 0) samples.push(at - t0);
    }
    failed = undefined;
    stream.close();
    return median(samples);
  } finally {
    session.destroy();
    await child.stop();
  }
}

async function startOurs(n: number, file: string): Promise<Server> {
  const child = LineChild.start(
    process.execPath,
    [join(import.meta.dirname, 'support', 'mcp-server-child.js'), String(n), file],
    imageNodeOptions(),
  );
  const port = Number((await child.line('listening ')).split(' ')[1]);
  return { child, address: `127.0.0.1:${port}`, gc: true };
}

async function startPeer(bin: string, file: string): Promise<Server> {
  const child = LineChild.start(bin, ['-resources', file]);
  const port = Number((await child.line('listening ')).split(' ')[1]);
  return { child, address: `127.0.0.1:${port}`, gc: false };
}

const f0 = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

export async function runPeerBench(): Promise<void> {
  const built = goPeerBinary();
  if ('skipped' in built) {
    console.log(`peer: skipped (${built.skipped})`);
    return;
  }
  const scales = (process.env['BENCH_PEER_SCALES'] ?? '1000,10000,30000').split(',').map(Number);
  const runsFor = (n: number): number =>
    Number(process.env[`BENCH_PEER_RUNS_${n}`] ?? process.env['BENCH_PEER_RUNS'] ?? 7);
  const dir = mkdtempSync(join(tmpdir(), 'irb-peer-'));
  const rows: Array<{
    n: number;
    runs: number;
    peer: Figures;
    ours: Figures;
    tcp: number;
    h2: number;
    dec: number;
  }> = [];
  try {
    for (const n of scales) {
      const runs = runsFor(n);
      const file = join(dir, `resources-${n}.bin`);
      const ours = await startOurs(n, file);
      const peer = await startPeer(built.path, file);
      try {
        const a = await fetchOnce(ours);
        const b = await fetchOnce(peer);
        const da = resourceDigest(a.res.bytes);
        const db = resourceDigest(b.res.bytes);
        if (da.digest !== db.digest || da.count !== n)
          throw new Error(`the servers do not serve the same resources (${da.count} vs ${db.count})`);
        console.log(
          `peer ${n}: ${n} ServiceEntries x 10 endpoints, byte-identical resources from both servers, response ${(a.res.bytes.length / 1e6).toFixed(1)} MB (peer ${(b.res.bytes.length / 1e6).toFixed(1)} MB); ${runs} runs`,
        );
        const peerFig = await measure(peer, runs);
        const ourFig = await measure(ours, runs);
        // The baselines are cheap and spread widely at 30k (12-36 ms for raw TCP): more samples.
        const baselineRuns = Math.max(runs, BASELINE_RUNS);
        const tcp = await rawTcpMs(ourFig.bytes.length + 5, baselineRuns);
        const h2 = await rawH2PushMs(ourFig.bytes.length + 5, baselineRuns);
        rows.push({ n, runs, peer: peerFig, ours: ourFig, tcp, h2, dec: decodeMs(ourFig.bytes) });
      } finally {
        await ours.child.stop();
        await peer.child.stop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const head = `| figure (median; peer / this project) | ${rows.map((r) => `${r.n / 1000}k services (${r.runs} runs)`).join(' | ')} |`;
  console.log('\n' + head);
  console.log(`|---|${rows.map(() => '---').join('|')}|`);
  const line = (label: string, get: (f: Figures) => number, lowerWins = true): void => {
    const cells = rows.map((r) => {
      const p = get(r.peer);
      const o = get(r.ours);
      const ahead = lowerWins ? o < p : o > p;
      return `${f0(p)} / ${f0(o)}${ahead ? '' : ' (behind)'}`;
    });
    console.log(`| ${label} | ${cells.join(' | ')} |`);
  };
  line('full fetch, connect to received, ms', (f) => f.fetchMs);
  line('server CPU per full fetch, ms', (f) => f.fetchCpuMs);
  line(
    `server CPU per full fetch in the ${WARMUP_FETCHES - 1} untimed warm-up fetches before them, ms`,
    (f) => f.warmupFetchCpuMs,
  );
  line('server CPU per full-state push, ms', (f) => f.pushCpuMs);
  line('full-state push, change to received by a connected grpc-js client, ms', (f) => f.pushMs);
  line('full-state push, change to last byte at a connected bare HTTP/2 client, ms', (f) => f.pushWireMs);
  line('steady RSS after 7 clients, MB', (f) => f.steadyRssMb);
  line('server CPU with no client connected, ms per s', (f) => f.idleCpuMsPerS);
  line('peak RSS, 10 clients connecting at once, MB', (f) => f.peakRssMb);
  console.log(`| raw loopback TCP of the same bytes, ms | ${rows.map((r) => f0(r.tcp)).join(' | ')} |`);
  console.log(
    `| the same bytes pushed on an open stream by a bare node:http2 server, ms | ${rows.map((r) => f0(r.h2)).join(' | ')} |`,
  );
  console.log(
    `| client decode of the response (not in the fetch time), ms | ${rows.map((r) => f0(r.dec)).join(' | ')} |`,
  );
  console.log(
    `| this project's GCs per full fetch / per full-state push (major) | ${rows
      .map((r) => {
        const g = r.ours.gc!;
        return `${g.fetch[0].toFixed(1)} (${g.fetch[1].toFixed(1)}) / ${g.push[0].toFixed(1)} (${g.push[1].toFixed(1)})`;
      })
      .join(' | ')} |`,
  );
  for (const r of rows) {
    const ahead =
      r.ours.fetchMs < r.peer.fetchMs &&
      r.ours.fetchCpuMs < r.peer.fetchCpuMs &&
      r.ours.pushCpuMs < r.peer.pushCpuMs &&
      r.ours.peakRssMb < r.peer.peakRssMb;
    const pushRatio = r.ours.pushWireMs / r.tcp;
    const grpcRatio = r.ours.pushMs / r.tcp;
    const fetchRatio = r.ours.fetchMs / r.tcp;
    console.log(
      `${r.n}: ahead of the peer on fetch time, fetch CPU, push CPU and peak RSS: ${verdict(ahead)}; full-state push to its last byte ${pushRatio.toFixed(2)}x raw TCP (target <= 2x: ${verdict(pushRatio <= 2)}; the bare HTTP/2 push is ${(r.h2 / r.tcp).toFixed(2)}x raw TCP, the bridge's ${(r.ours.pushWireMs / r.h2).toFixed(2)}x that; handed over by grpc-js ${grpcRatio.toFixed(2)}x raw TCP), full fetch on a new connection ${fetchRatio.toFixed(2)}x` +
        (r.n === 10_000
          ? `; peak RSS ${f0(r.ours.peakRssMb)} MB (target <= 300 MB: ${verdict(r.ours.peakRssMb <= 300)})`
          : ''),
    );
  }
}

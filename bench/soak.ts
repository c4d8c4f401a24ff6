/**
 * Soak: the bridge (a child process, default xds debounce) under steady
 * registry churn with many clients, bounded in time.
 *
 * 10,000 services; 20 istiod-like ServiceEntry clients (half SotW, half
 * Delta), all ACKing; 100 registry changes per second (each a new port for
 * one service) for SOAK_SECONDS (default 120), once against the file adapter
 * (the file rewritten every 100 ms with that tick's changes) and once
 * against a real Consul agent (catalog re-registrations). Then, with the
 * registry still, it waits until the store shows every service's last
 * change and every client holds exactly the store's (name, version) set.
 * The bridge's RSS is sampled every 2 s; growth is the mean of the last 10 s
 * against the mean of the 10 s after warm-up (the first quarter of the load,
 * at least 30 s where the run allows).
 *
 * Environment: SOAK_SECONDS, SOAK_SERVICES, SOAK_RATE (changes/s),
 * SOAK_CLIENTS, SOAK_CONVERGE_SECONDS (default 240).
 */
import { renameSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConsulAgent, findConsul } from '../test/support/consul.js';
import { inParallel } from '../test/support/in-parallel.js';
import { BridgeChild } from './support/bridge-child.js';
import { RssSampler } from './support/rss.js';
import { sameState, startSoakClient, stateDiff, type SoakClient } from './support/soak-clients.js';

const SECONDS = Number(process.env['SOAK_SECONDS'] ?? 120);
const SERVICES = Number(process.env['SOAK_SERVICES'] ?? 10_000);
const RATE = Number(process.env['SOAK_RATE'] ?? 100);
const CLIENTS = Number(process.env['SOAK_CLIENTS'] ?? 20);
const CONVERGE_S = Number(process.env['SOAK_CONVERGE_SECONDS'] ?? 240);
const TICK_MS = 100;
const RSS_EVERY_MS = 2_000;

const serviceName = (i: number): string => `soak-${String(i).padStart(5, '0')}`;
const address = (i: number): string => `10.${40 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;

/** One registry under test: seeded once, then changed `n` services at a time. */
interface SoakRegistry {
  readonly label: string;
  /** The bridge's registry config. */
  config(): Record<string, unknown>;
  /** Applies one tick's changes: service index -> its new port. */
  apply(changes: ReadonlyMap<number, number>): Promise<void>;
  stop(): Promise<void>;
}

class FileRegistry implements SoakRegistry {
  readonly label = 'file adapter';
  private readonly dir = mkdtempSync(join(tmpdir(), 'irb-soak-file-'));
  private readonly path = join(this.dir, 'services.json');
  /** Each service's JSON, re-serialised only when it changes, so a tick costs the bench little. */
  private readonly parts: string[];

  constructor(ports: readonly number[]) {
    this.parts = ports.map((port, i) => FileRegistry.serviceJson(i, port));
    this.write();
  }

  private static serviceJson(i: number, port: number): string {
    return JSON.stringify({
      name: serviceName(i),
      protocol: 'http',
      instances: [
        { address: address(i), port, labels: { version: 'v1' } },
        { address: address(i + SERVICES), port, labels: { version: 'v2' } },
      ],
    });
  }

  private write(): void {
    // Written beside and renamed over, as a config-management tool would: never half a file.
    writeFileSync(`${this.path}.tmp`, `{"services":[${this.parts.join(',')}]}`);
    renameSync(`${this.path}.tmp`, this.path);
  }

  config(): Record<string, unknown> {
    return { name: 'soak', type: 'file', path: this.path };
  }

  apply(changes: ReadonlyMap<number, number>): Promise<void> {
    for (const [i, port] of changes) this.parts[i] = FileRegistry.serviceJson(i, port);
    this.write();
    return Promise.resolve();
  }

  stop(): Promise<void> {
    rmSync(this.dir, { recursive: true, force: true });
    return Promise.resolve();
  }
}

class ConsulRegistry implements SoakRegistry {
  readonly label = 'Consul';
  private constructor(private readonly consul: ConsulAgent) {}

  static async start(bin: string, ports: readonly number[]): Promise<ConsulRegistry> {
    const r = new ConsulRegistry(await ConsulAgent.start(bin));
    const t = performance.now();
    await inParallel(
      ports.map((port, i) => ({ port, i })),
      32,
      ({ port, i }) => r.register(i, port),
    );
    console.log(
      `    registered ${ports.length} services in Consul in ${((performance.now() - t) / 1000).toFixed(0)} s`,
    );
    return r;
  }

  private register(i: number, port: number): Promise<void> {
    const node = `soak-node-${i % 100}`;
    return this.consul.catalogRegister({
      Node: node,
      Address: address(i % 100),
      Service: { ID: `${serviceName(i)}-1`, Service: serviceName(i), Address: address(i), Port: port },
    });
  }

  config(): Record<string, unknown> {
    // The Consul bench's wait: with 10,000 watches sharing 100 slots, one round over all takes about this long.
    return {
      name: 'soak',
      type: 'consul',
      address: this.consul.address,
      wait: 30_000,
      services: { include: ['soak-*'] },
    };
  }

  async apply(changes: ReadonlyMap<number, number>): Promise<void> {
    await inParallel([...changes], 10, ([i, port]) => this.register(i, port));
  }

  stop(): Promise<void> {
    return this.consul.stop();
  }
}

interface StoreState {
  readonly versions: Map<string, string>;
  /** Service name -> the port numbers its ServiceEntry serves. */
  readonly ports: Map<string, number[]>;
}

function getJson(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    // A fresh connection each time: a kept-alive socket the admin server closed while the
    // load ran would fail the first request after it (EPIPE).
    http
      .get(url, { agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        });
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

async function storeState(bridge: BridgeChild): Promise<StoreState> {
  if (bridge.hasExited()) throw new Error(`the bridge exited:\n${bridge.output().slice(-3000)}`);
  const body = (await getJson(`http://${bridge.admin}/debug/resources`)) as {
    kinds: {
      ServiceEntry: { resources: { name: string; version: string; spec: { ports: { number: number }[] } }[] };
    };
  };
  const versions = new Map<string, string>();
  const ports = new Map<string, number[]>();
  for (const r of body.kinds.ServiceEntry.resources) {
    versions.set(r.name, r.version);
    ports.set(
      r.name.slice(r.name.indexOf('/') + 1),
      r.spec.ports.map((p) => p.number),
    );
  }
  return { versions, ports };
}

/** How many services the store does not show with their last port, and one example. */
function storeMatches(store: StoreState, ports: readonly number[]): number {
  return storeMismatches(store, ports).count;
}

function storeMismatches(store: StoreState, ports: readonly number[]): { count: number; example: string } {
  let count = 0;
  let example = '';
  ports.forEach((port, i) => {
    const served = store.ports.get(serviceName(i));
    if (served?.includes(port)) return;
    count++;
    if (example === '')
      example = `${serviceName(i)}: last port ${port}, served ${served ? `[${served.join(', ')}]` : 'nothing'}`;
  });
  return { count, example };
}

const fmt = (x: number | undefined, d = 0): string => (x === undefined ? 'n/a' : x.toFixed(d));

async function soakOne(makeRegistry: (ports: number[]) => Promise<SoakRegistry>): Promise<boolean> {
  const ports = Array.from({ length: SERVICES }, () => 8080);
  const registry = await makeRegistry(ports);
  let bridge: BridgeChild | undefined;
  const clients: SoakClient[] = [];
  let ok = true;
  try {
    bridge = await BridgeChild.start('irb-soak-', registry.config(), {});
    await bridge.waitListening(30_000);
    for (let c = 0; c < CLIENTS; c++) {
      const mode = c % 2 === 0 ? 'sotw' : 'delta';
      clients.push(startSoakClient(bridge.xds, `soak~${mode}-${c}`, mode));
    }
    // Initial sync: every service served and every client holding it.
    const t0 = performance.now();
    for (;;) {
      const store = await storeState(bridge);
      if (store.versions.size === SERVICES && clients.every((c) => sameState(c.state(), store.versions)))
        break;
      if (performance.now() - t0 > CONVERGE_S * 1000)
        throw new Error(`initial sync: store has ${store.versions.size} of ${SERVICES} services`);
      await sleep(1_000);
    }
    console.log(
      `    ${registry.label}: initial sync of ${SERVICES} services to ${CLIENTS} clients in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    // Load: RATE changes per second in ticks, each a new port for a random service.
    const perTick = Math.max(1, Math.round((RATE * TICK_MS) / 1000));
    const loadStart = performance.now();
    const rss = new RssSampler(bridge.pid!, loadStart, RSS_EVERY_MS);
    let changes = 0;
    let nextPort = 10_000;
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed % n;
    };
    for (let tick = 0; performance.now() - loadStart < SECONDS * 1000; tick++) {
      const batch = new Map<number, number>();
      while (batch.size < perTick) {
        batch.set(rand(SERVICES), nextPort);
        nextPort = nextPort >= 60_000 ? 10_000 : nextPort + 1;
      }
      for (const [i, port] of batch) ports[i] = port;
      await registry.apply(batch);
      changes += batch.size;
      const due = loadStart + (tick + 1) * TICK_MS;
      // Always through the timer queue, even when behind: the clients and the RSS
      // sampler run on this event loop too.
      await sleep(Math.max(0, due - performance.now()));
    }
    const loadS = (performance.now() - loadStart) / 1000;

    // Convergence: the store shows every last change, every client holds the store's set.
    const quietAt = performance.now();
    let storeAt: number | undefined;
    let clientsAt: number | undefined;
    let last: StoreState | undefined;
    while (performance.now() - quietAt < CONVERGE_S * 1000) {
      last = await storeState(bridge);
      if (storeAt === undefined && storeMatches(last, ports) === 0) storeAt = performance.now();
      if (storeAt !== undefined && clients.every((c) => sameState(c.state(), last!.versions))) {
        clientsAt = performance.now();
        break;
      }
      await sleep(1_000);
    }
    rss.stop();
    if (bridge.hasExited()) throw new Error(`the bridge exited:\n${bridge.output().slice(-3000)}`);
    const warm = Math.min(Math.max(30, SECONDS / 4), SECONDS / 2);
    const base = rss.meanBetween(warm, warm + 10);
    const end = rss.meanBetween(loadS - 10, loadS);
    const growth = base !== undefined && end !== undefined ? (end - base) / base : undefined;
    const failed = clients.filter((c) => c.error !== undefined);

    console.log(
      `    ${registry.label}: ${changes} changes in ${loadS.toFixed(0)} s (${(changes / loadS).toFixed(0)}/s asked ${RATE}/s), ${SERVICES} services, ${CLIENTS} clients (${clients.filter((c) => c.mode === 'sotw').length} SotW, ${clients.filter((c) => c.mode === 'delta').length} Delta)`,
    );
    console.log(
      `      responses received per client: min ${Math.min(...clients.map((c) => c.responses))}, max ${Math.max(...clients.map((c) => c.responses))}; streams failed: ${failed.length}`,
    );
    if (storeAt === undefined) {
      ok = false;
      console.log(
        `      store NOT converged in ${CONVERGE_S} s: ${last ? `${storeMatches(last, ports)} services without their last change, e.g. ${storeMismatches(last, ports).example}` : '?'}`,
      );
    } else {
      console.log(
        `      store shows every last change ${((storeAt - quietAt) / 1000).toFixed(1)} s after the load stopped`,
      );
    }
    if (clientsAt === undefined) {
      ok = false;
      const lagging = clients.filter((c) => !last || !sameState(c.state(), last.versions));
      console.log(
        `      clients NOT converged: ${lagging.length} differ from the store, e.g. ${lagging[0]?.id ?? ''} on ${last && lagging[0] ? stateDiff(lagging[0].state(), last.versions).join(', ') : ''}`,
      );
    } else {
      console.log(
        `      all ${CLIENTS} clients hold the store's ${last!.versions.size} (name, version) pairs ${((clientsAt - quietAt) / 1000).toFixed(1)} s after the load stopped`,
      );
    }
    if (failed.length > 0) ok = false;
    const samples = rss.samples.filter((_, i) => i % 5 === 0 || i === rss.samples.length - 1);
    console.log(
      `      bridge RSS (MiB) every ${(RSS_EVERY_MS * 5) / 1000} s from load start: ${samples.map((s) => `${s.t.toFixed(0)}s ${s.mib.toFixed(0)}`).join(', ')}`,
    );
    console.log(
      `      RSS growth after warm-up: ${fmt(base)} MiB (mean of ${warm.toFixed(0)}-${(warm + 10).toFixed(0)} s) -> ${fmt(end)} MiB (mean of the last 10 s of load): ${growth === undefined ? 'n/a' : `${(growth * 100).toFixed(1)}%`} (limit 10%)`,
    );
    if (growth === undefined || growth >= 0.1) ok = false;
  } finally {
    for (const c of clients) c.close();
    await bridge?.stop();
    await registry.stop();
  }
  return ok;
}

export async function runSoakBench(which: 'file' | 'consul' | 'both'): Promise<void> {
  console.log(
    `[soak] ${SERVICES} services, ${CLIENTS} clients, ${RATE} changes/s for ${SECONDS} s (SOAK_SECONDS), then convergence (up to ${CONVERGE_S} s)`,
  );
  const results: string[] = [];
  if (which !== 'consul') {
    const ok = await soakOne((ports) => Promise.resolve(new FileRegistry(ports)));
    results.push(`file ${ok ? 'PASS' : 'FAIL'}`);
  }
  if (which !== 'file') {
    const bin = findConsul();
    if (bin === undefined) {
      console.log('    Consul soak skipped: consul not found (set CONSUL_BIN or put consul on PATH)');
      results.push('consul SKIPPED');
    } else {
      const ok = await soakOne((ports) => ConsulRegistry.start(bin, ports));
      results.push(`consul ${ok ? 'PASS' : 'FAIL'}`);
    }
  }
  console.log(`    soak: ${results.join(', ')}`);
  if (results.some((r) => r.endsWith('FAIL'))) process.exitCode = 1;
}

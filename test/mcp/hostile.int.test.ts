/**
 * Hostile clients against a real `registry-bridge serve` process: huge
 * requests, garbage bytes on the xDS port, a NACK loop, tens of thousands of
 * unknown names, 50 reconnecting clients. Throughout, /healthz is sampled
 * every 20 ms and must keep answering, the server's RSS must stay bounded,
 * and a well-behaved client (like istiod) must still get its updates. The
 * attacks run on a worker thread, so their own CPU cost never delays the
 * sampling.
 *
 * "Keeps answering" is a guard against a server blocked by one request (the
 * quadratic Delta path took 52 s for 60,000 names, 9.7 s for 20,000): the
 * bound is 500 ms, or ten times the slowest answer of a control window
 * sampled with no attack on a loaded machine. How fast /healthz answers under
 * each attack (the 100 ms goal) is a speed figure, not a pass/fail line: the
 * test prints it, and docs/reliability.md keeps the measured runs. (With a
 * 100 ms bound the test failed in clean-clone CI runs at load 1.5-3 with
 * 129-140 ms, and passed on the next run of the same code.)
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { parse, stringify } from 'yaml';
import {
  openSotw,
  type AdsStream,
  type DiscoveryRequestObj,
  type DiscoveryResponseMsg,
} from '../../src/mcp/client.js';
import { eventually } from '../support/bridge.js';
import { startServe, type StartedCli } from '../support/cli.js';
import { writeGeneratedRegistry, type GeneratedRegistry } from '../support/generated-registry.js';
import type { Attack, AttackReport } from '../support/hostile-client.js';

const SE = 'networking.istio.io/v1/ServiceEntry';
const SERVICES = 200;
/** The goal, printed with the figures. */
const HEALTHZ_GOAL_MS = 100;
/** The pass/fail guard: the server was never blocked. */
const HEALTHZ_BLOCKED_MS = 500;
const RSS_GROWTH_MAX_MB = 256;

/** One GET /healthz on a fresh connection; its latency in ms (Infinity if it fails). */
function healthzMs(admin: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = get(`http://${admin}/healthz`, { agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200 ? performance.now() - started : Infinity));
    });
    req.on('error', () => resolve(Infinity));
    req.on('timeout', () => req.destroy());
  });
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Samples /healthz latency and the server's RSS until stopped. */
function startSampling(admin: string, pid: number) {
  let stop = false;
  const latencies: number[] = [];
  let maxRss = 0;
  const done = (async () => {
    while (!stop) {
      latencies.push(await healthzMs(admin));
      maxRss = Math.max(maxRss, rssMb(pid));
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    async finish() {
      stop = true;
      await done;
      return { samples: latencies.length, maxMs: Math.max(...latencies), maxRss };
    },
  };
}

function runAttack(attack: Attack, address: string): Promise<AttackReport> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('../support/hostile-client.js', import.meta.url), {
      workerData: { attack, address },
    });
    w.once('message', (r: AttackReport) => resolve(r));
    w.once('error', reject);
    w.once('exit', (code) => code !== 0 && reject(new Error(`attack ${attack} exited with ${code}`)));
  });
}

/** A client behaving like istiod: SotW, ACKs every response, remembers how many ServiceEntries it holds. */
class WellBehaved {
  count = 0;
  private stopped = false;
  private readonly stream: AdsStream<DiscoveryRequestObj, DiscoveryResponseMsg>;
  private readonly loop: Promise<void>;

  constructor(address: string) {
    const stream = openSotw(address);
    this.stream = stream;
    stream.send({ typeUrl: SE, responseNonce: 'first' });
    this.loop = (async () => {
      while (!this.stopped) {
        const res = await stream.next(600_000).catch(() => undefined);
        if (!res) return;
        this.count = res.resources.length;
        stream.send({ typeUrl: SE, responseNonce: res.nonce, versionInfo: res.versionInfo });
      }
    })();
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.stream.close();
    await this.loop;
  }
}

describe('hostile clients against a serving bridge', () => {
  let reg: GeneratedRegistry;
  let serve: StartedCli;
  let good: WellBehaved;
  let baselineRss = 0;
  let controlMaxMs = 0;
  const figures: string[] = [];

  /** Rewrites the registry file with `count` services; the file adapter picks it up. */
  const setServices = (count: number): void => {
    const services = Array.from({ length: count }, (_, i) => ({
      name: `svc-${i}`,
      namespace: 'load',
      protocol: 'http',
      instances: [{ address: `10.0.${(i >> 8) & 255}.${i & 255}`, port: 8080 }],
    }));
    writeFileSync(join(reg.dir, 'services.json'), JSON.stringify({ services }));
  };

  before(async () => {
    reg = await writeGeneratedRegistry(SERVICES);
    // Poll the registry file fast, so the well-behaved client's update comes quickly.
    const config = parse(readFileSync(reg.configPath, 'utf8')) as { registries: Record<string, unknown>[] };
    config.registries[0]!.pollInterval = '200ms';
    writeFileSync(reg.configPath, stringify(config));
    serve = await startServe(reg.configPath, reg.admin);
    good = new WellBehaved(reg.xds);
    await eventually(() => (good.count === SERVICES ? true : undefined), 20_000);
    // Warm up: one round of ordinary clients, then the baseline.
    await runAttack('reconnecting', reg.xds);
    baselineRss = rssMb(serve.child.pid!);
    const control = startSampling(reg.admin, serve.child.pid!);
    await new Promise((r) => setTimeout(r, 3000));
    controlMaxMs = (await control.finish()).maxMs;
  });

  after(async () => {
    await good?.close();
    if (serve && serve.child.exitCode === null) serve.child.kill('SIGKILL');
    await serve?.exited;
    rmSync(reg.dir, { recursive: true, force: true });
    process.stdout.write(
      `# hostile figures (load ${loadavg()[0]!.toFixed(1)}, baseline RSS ${baselineRss.toFixed(0)} MB, control /healthz max ${controlMaxMs.toFixed(1)} ms):\n${figures.join('\n')}\n`,
    );
  });

  const attacks: Attack[] = ['huge-requests', 'garbage', 'nack-loop', 'unknown-names', 'reconnecting'];
  attacks.forEach((attack, i) => {
    test(`${attack}: /healthz keeps answering (never ${HEALTHZ_BLOCKED_MS} ms blocked), RSS bounded, a well-behaved client still updated`, async () => {
      const sampling = startSampling(reg.admin, serve.child.pid!);
      const report = await runAttack(attack, reg.xds);
      // A registry change while the server has just been attacked reaches the good client.
      const count = SERVICES + i + 1;
      setServices(count);
      await eventually(() => (good.count === count ? true : undefined), 20_000);
      const s = await sampling.finish();
      figures.push(
        `#   ${attack}: ${report.did}; outcomes ${JSON.stringify(report.outcomes)}; ` +
          `/healthz max ${s.maxMs.toFixed(1)} ms over ${s.samples} samples (goal ${HEALTHZ_GOAL_MS} ms: ${s.maxMs <= HEALTHZ_GOAL_MS ? 'met' : 'missed'}); max RSS ${s.maxRss.toFixed(0)} MB`,
      );
      assert.equal(serve.child.exitCode, null, 'the server is still running');
      const bound = Math.max(HEALTHZ_BLOCKED_MS, 10 * controlMaxMs);
      assert.ok(
        s.maxMs < bound,
        `/healthz took up to ${s.maxMs.toFixed(1)} ms (bound ${bound.toFixed(1)} ms; control ${controlMaxMs.toFixed(1)} ms)`,
      );
      assert.ok(
        s.maxRss - baselineRss < RSS_GROWTH_MAX_MB,
        `RSS grew from ${baselineRss.toFixed(0)} MB to ${s.maxRss.toFixed(0)} MB`,
      );
    });
  });
});

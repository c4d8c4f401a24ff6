/**
 * Real istiod for end-to-end tests, without Kubernetes.
 *
 * - `istioFixtures()` runs `bash test/istio/build.sh` (it caches the Go builds
 *   under ~/.cache/irb) and returns the binary paths, or why there are none.
 * - `describeWithIstio()` defines a suite once per istiod release line
 *   (1.26 from test/istio, 1.31 from test/istio-1.31; `IRB_ISTIOD_LINES`
 *   picks some), each with that line's pilot-discovery and adsc-probe. A line
 *   whose binaries are unavailable is one skipped test with the reason, and a
 *   failing one under CI. `describeWithLegacyIstio()` does the same for the
 *   1.22-line istiod (test/istio-legacy/build.sh, which build.sh runs).
 * - `Istiod.start()` runs `test/istio/run-istiod.sh` (pilot-discovery with one
 *   `xds://` config source) on free loopback ports, captures its log, waits
 *   until it is ready and offers its debug views; `stop()` ends it by PID.
 *   `binary` runs another pilot-discovery (the legacy one) the same way.
 * - `runProbe()` runs adsc-probe (istio's own pkg/adsc client + validating store).
 * - `reportConvergence()` prints a measured time and appends it to `IRB_E2E_TIMINGS`.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'node:test';
import { freePorts } from './ports.js';
import { unavailableSuite } from './skip.js';

/** The repository root (this file runs from dist/test/support/). */
export const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');
const ISTIO_DIR = join(REPO_ROOT, 'test', 'istio');

// ---- fixture binaries ---------------------------------------------------------------

/** The istiod release lines the main suites run on. */
export const ISTIOD_LINES = ['1.26', '1.31'] as const;
export type IstiodLineName = (typeof ISTIOD_LINES)[number];

/** One istiod release line: its pilot-discovery and the adsc-probe built against it. */
export interface IstiodLine {
  readonly name: IstiodLineName;
  /** The istio.io/istio module version it was built from. */
  readonly version: string;
  readonly pilotDiscovery: string;
  readonly adscProbe: string;
}

export interface IstioFixtures {
  /** The line `pilotDiscovery` and `adscProbe` belong to (describeWithIstio sets each in turn). */
  readonly line: IstiodLineName;
  readonly pilotDiscovery: string;
  readonly adscProbe: string;
  readonly mcpFixtureServer: string;
  /** test/istio/run-istiod.sh */
  readonly runIstiod: string;
  /** Every line of ISTIOD_LINES: its binaries, or why there are none. */
  readonly lines: ReadonlyMap<IstiodLineName, IstiodLine | { readonly missing: string }>;
  /** The legacy istiod and its adsc-probe, or why there are none. */
  readonly legacy: LegacyIstioFixtures | { readonly missing: string };
}

/** istiod of the 1.22 development line (pre-1.24 type URLs), from test/istio-legacy. */
export interface LegacyIstioFixtures {
  /** The istio.io/istio module version it was built from. */
  readonly version: string;
  readonly pilotDiscovery: string;
  /** The same adsc-probe source, built against this istio's pkg/adsc and store. */
  readonly adscProbe: string;
}

let fixtures: IstioFixtures | { readonly missing: string } | undefined;

/**
 * Builds (first time: minutes) or finds (cached: instant) the istiod fixtures.
 * Synchronous so that a suite can decide at definition time whether to skip.
 */
export function istioFixtures(): IstioFixtures | { readonly missing: string } {
  if (fixtures !== undefined) return fixtures;
  const res = spawnSync('bash', [join(ISTIO_DIR, 'build.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'], // build progress shows on stderr
    timeout: 30 * 60_000,
  });
  if (res.error !== undefined || res.status !== 0) {
    fixtures = {
      missing:
        `test/istio/build.sh failed (${res.error?.message ?? `exit ${res.status ?? res.signal}`}); ` +
        'it needs Go >= 1.24 and the Go module proxy to build istiod 1.26.0',
    };
    return fixtures;
  }
  const vars = new Map<string, string>();
  for (const line of res.stdout.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.+)$/.exec(line.trim());
    if (m) vars.set(m[1]!, m[2]!.replace(/^'(.*)'$/, '$1'));
  }
  const pilotDiscovery = vars.get('PILOT_DISCOVERY');
  const adscProbe = vars.get('ADSC_PROBE');
  const mcpFixtureServer = vars.get('MCP_FIXTURE_SERVER');
  const lines = new Map<IstiodLineName, IstiodLine | { readonly missing: string }>();
  if (pilotDiscovery && adscProbe) {
    const version = vars.get('ISTIO_VERSION') ?? 'see test/istio/go.mod';
    lines.set('1.26', { name: '1.26', version, pilotDiscovery, adscProbe });
  }
  const v131 = vars.get('ISTIO131_VERSION');
  const pilot131 = vars.get('ISTIO131_PILOT_DISCOVERY');
  const probe131 = vars.get('ISTIO131_ADSC_PROBE');
  lines.set(
    '1.31',
    v131 && pilot131 && probe131
      ? { name: '1.31', version: v131, pilotDiscovery: pilot131, adscProbe: probe131 }
      : { missing: vars.get('ISTIO131_MISSING') ?? 'test/istio/build.sh printed no 1.31 binary paths' },
  );
  const legacyVersion = vars.get('LEGACY_ISTIO_VERSION');
  const legacyPilot = vars.get('LEGACY_PILOT_DISCOVERY');
  const legacyProbe = vars.get('LEGACY_ADSC_PROBE');
  const legacy =
    legacyVersion && legacyPilot && legacyProbe
      ? { version: legacyVersion, pilotDiscovery: legacyPilot, adscProbe: legacyProbe }
      : { missing: vars.get('LEGACY_MISSING') ?? 'test/istio/build.sh printed no legacy binary paths' };
  fixtures =
    pilotDiscovery && adscProbe && mcpFixtureServer
      ? {
          line: '1.26' as const,
          pilotDiscovery,
          adscProbe,
          mcpFixtureServer,
          runIstiod: join(ISTIO_DIR, 'run-istiod.sh'),
          lines,
          legacy,
        }
      : { missing: `test/istio/build.sh printed no binary paths:\n${res.stdout}` };
  return fixtures;
}

/**
 * The lines to run: `IRB_ISTIOD_LINES` (comma-separated, e.g. `1.31`), else all
 * of ISTIOD_LINES. An unknown name is an error, so a typo cannot silently run nothing.
 */
export function selectedIstiodLines(): IstiodLineName[] {
  const env = process.env.IRB_ISTIOD_LINES?.trim();
  if (!env) return [...ISTIOD_LINES];
  const out: IstiodLineName[] = [];
  for (const name of env.split(',').map((n) => n.trim())) {
    const line = ISTIOD_LINES.find((l) => l === name);
    if (line === undefined) {
      throw new Error(`IRB_ISTIOD_LINES: unknown istiod line "${name}" (known: ${ISTIOD_LINES.join(', ')})`);
    }
    out.push(line);
  }
  return out;
}

/**
 * `describe` for suites that need real istiod: defines `name (istiod <line>)`
 * once per selected line, `fn` getting fixtures whose pilotDiscovery and
 * adscProbe are that line's. Without a line's binaries its suite is one
 * skipped test with the reason (counted by the runner), or, under CI, one
 * failing test carries it.
 */
export function describeWithIstio(name: string, fn: (fx: IstioFixtures) => void): void {
  const fx = istioFixtures();
  for (const lineName of selectedIstiodLines()) {
    const title = `${name} (istiod ${lineName})`;
    if ('missing' in fx) {
      unavailableSuite(title, `istiod fixtures unavailable: ${fx.missing}`);
      continue;
    }
    const line = fx.lines.get(lineName) ?? { missing: 'not built by test/istio/build.sh' };
    if ('missing' in line) {
      unavailableSuite(title, `istiod ${lineName} fixtures unavailable: ${line.missing}`);
      continue;
    }
    const lineFx: IstioFixtures = {
      ...fx,
      line: lineName,
      pilotDiscovery: line.pilotDiscovery,
      adscProbe: line.adscProbe,
    };
    describe(title, () => fn(lineFx));
  }
}

/**
 * `describeWithIstio` for suites that need the legacy (1.22-line) istiod
 * (test/istio-legacy/build.sh). Without its binaries the suite is skipped with
 * the reason, and fails under CI, like every other suite.
 */
export function describeWithLegacyIstio(
  name: string,
  fn: (fx: IstioFixtures, legacy: LegacyIstioFixtures) => void,
): void {
  const fx = istioFixtures();
  if ('missing' in fx) {
    unavailableSuite(name, `istiod fixtures unavailable: ${fx.missing}`);
    return;
  }
  const legacy = fx.legacy;
  if ('missing' in legacy) {
    unavailableSuite(name, `legacy (1.22-line) istiod fixtures unavailable: ${legacy.missing}`);
    return;
  }
  describe(name, () => fn(fx, legacy));
}

// ---- istiod's debug views ---------------------------------------------------------------

/** One entry of /debug/configz (Kubernetes-style object). */
export interface ConfigzEntry {
  kind: string;
  apiVersion: string;
  metadata: {
    name: string;
    namespace: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: Record<string, unknown>;
}

/** One entry of /debug/registryz (istiod's model.Service). */
export interface RegistryzService {
  hostname: string;
  Attributes: {
    ServiceRegistry: string;
    Name: string;
    Namespace: string;
    Labels: Record<string, string> | null;
    ObjectName?: string;
  };
  ports: { name: string; port: number; protocol: string }[] | null;
  /** model.Resolution: 0 ClientSideLB (STATIC), 1 DNSLB (DNS), 2 Passthrough. */
  Resolution: number;
  MeshExternal: boolean;
}

/** One endpoint of /debug/endpointShardz (istiod's model.IstioEndpoint). */
export interface ShardEndpoint {
  Labels: Record<string, string> | null;
  Addresses: string[];
  ServicePortName: string;
  EndpointPort: number;
  LbWeight: number;
  Locality: { Label: string; ClusterID: string };
  Namespace: string;
  WorkloadName: string;
  HealthStatus: number;
}

/** /debug/endpointShardz: host → namespace → shards. */
export type EndpointShardz = Record<
  string,
  Record<string, { Shards: Record<string, ShardEndpoint[] | null> | null }>
>;

/** Every endpoint istiod holds for `host` (all namespaces and shards). */
export function endpointsOf(shardz: EndpointShardz, host: string): ShardEndpoint[] {
  const out: ShardEndpoint[] = [];
  for (const ns of Object.values(shardz[host] ?? {})) {
    for (const eps of Object.values(ns.Shards ?? {})) out.push(...(eps ?? []));
  }
  return out;
}

/** Sorted distinct addresses istiod holds for `host`. */
export function addressesOf(shardz: EndpointShardz, host: string): string[] {
  return [...new Set(endpointsOf(shardz, host).flatMap((e) => e.Addresses))].sort();
}

/** Prometheus text → map of `name{labels}` (exactly as printed) to value. */
export function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    if (i > 0) out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

// ---- istiod process -------------------------------------------------------------------

/**
 * Lines in istiod's log that mean something went wrong with config from the
 * bridge: adsc warnings/errors (invalid resources: "Error adding a new
 * resource to the store", "Invalid data", ...) and any other warn/error line
 * except the ones kube-less istiod always prints.
 */
const PROBLEM_TEXT = /Error adding|Error updating|Invalid data|Error unmarshalling|invalid name/;
const LEVEL = /^\S+\t(warn|error|fatal)\t/;
const BENIGN = [
  /PILOT_CERT_PROVIDER=istiod is not implemented/,
  // only the 1.22 line logs this (1.26 dropped it); the local mesh file is the point
  /\twarn\tUsing local mesh config file .*, in cluster configs ignored$/,
];

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface IstiodPorts {
  readonly http: number;
  readonly grpc: number;
  readonly monitoring: number;
  readonly ctrlz: number;
  readonly https: number;
}

export interface IstiodOptions {
  /** Extra MeshConfig YAML lines (ISTIOD_MESH_EXTRA). */
  readonly meshExtra?: string;
  /** Connect to the config source over TLS (mode SIMPLE) trusting this CA file (ISTIOD_SOURCE_CA_FILE). */
  readonly sourceCaFile?: string;
  /** The pilot-discovery to run (ISTIOD_BINARY); default: `fx.pilotDiscovery` (the suite's line). */
  readonly binary?: string;
  readonly readyTimeoutMs?: number;
}

export class Istiod {
  private output = '';
  private exitInfo: string | undefined;
  private stopping = false;
  private readonly exited: Promise<void>;

  private constructor(
    readonly child: ChildProcess,
    readonly ports: IstiodPorts,
    readonly dir: string,
    readonly configSource: string,
  ) {
    live.add(child);
    const onData = (d: Buffer): void => {
      this.output += d.toString();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        live.delete(child);
        this.exitInfo = `exit ${code ?? signal}`;
        // An istiod that ends on its own fails the checks after it with little to go on: say why here.
        if (!this.stopping)
          console.error(`istiod ended before the test stopped it (${this.exitInfo}); log:\n${this.tail()}`);
        resolve();
      }),
    );
  }

  /**
   * Starts istiod reading config only from `xds://<configSource>` (which must
   * be listening: istiod exits if it is not) and waits until it is ready.
   */
  static async start(fx: IstioFixtures, configSource: string, opts: IstiodOptions = {}): Promise<Istiod> {
    const dir = mkdtempSync(join(tmpdir(), 'irb-istiod-'));
    const [http, grpc, monitoring, ctrlz, https] = await freePorts(5);
    const ports: IstiodPorts = {
      http: http!,
      grpc: grpc!,
      monitoring: monitoring!,
      ctrlz: ctrlz!,
      https: https!,
    };
    const child = spawn('bash', [fx.runIstiod, configSource], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ISTIOD_WORKDIR: dir,
        ISTIOD_HTTP_PORT: String(ports.http),
        ISTIOD_GRPC_PORT: String(ports.grpc),
        ISTIOD_MON_PORT: String(ports.monitoring),
        ISTIOD_CTRLZ_PORT: String(ports.ctrlz),
        ISTIOD_HTTPS_PORT: String(ports.https),
        ISTIOD_MESH_EXTRA: opts.meshExtra ?? '',
        ISTIOD_SOURCE_CA_FILE: opts.sourceCaFile ?? '',
        ISTIOD_BINARY: opts.binary ?? fx.pilotDiscovery,
      },
    });
    const istiod = new Istiod(child, ports, dir, configSource);
    try {
      await istiod.waitReady(opts.readyTimeoutMs ?? 60_000);
    } catch (err) {
      await istiod.stop();
      throw err;
    }
    return istiod;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get monitoring(): string {
    return `http://127.0.0.1:${this.ports.monitoring}`;
  }

  /** The MeshConfig istiod was started with (written by run-istiod.sh). */
  get meshConfigPath(): string {
    return join(this.dir, 'mesh.yaml');
  }

  /** Everything istiod logged so far. */
  log(): string {
    return this.output;
  }

  /** A position in the log, for `logSince`/`waitForLog`. */
  mark(): number {
    return this.output.length;
  }

  logSince(mark: number): string {
    return this.output.slice(mark);
  }

  tail(lines = 40): string {
    return this.output.split('\n').slice(-lines).join('\n');
  }

  /** Log lines (since `mark`) that indicate rejected config or other trouble. */
  problems(mark = 0): string[] {
    return this.logSince(mark)
      .split('\n')
      .filter((l) => (LEVEL.test(l) || PROBLEM_TEXT.test(l)) && !BENIGN.some((b) => b.test(l)));
  }

  /** Waits for a log line (after `since`) matching `re`; returns the line. */
  async waitForLog(re: RegExp, since = 0, timeoutMs = 10_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const line = this.logSince(since)
        .split('\n')
        .find((l) => re.test(l));
      if (line !== undefined) return line;
      if (this.exitInfo !== undefined) throw new Error(`istiod ${this.exitInfo}; log:\n${this.tail()}`);
      if (Date.now() > end) throw new Error(`istiod logged no line matching ${re} in ${timeoutMs} ms`);
      await sleep(20);
    }
  }

  async get(path: string): Promise<string> {
    let res: Response;
    try {
      res = await fetch(`${this.monitoring}${path}`);
    } catch (err) {
      const state = this.exitInfo === undefined ? 'running' : `ended (${this.exitInfo})`;
      throw new Error(`istiod GET ${path} failed, istiod ${state}: ${String(err)}`, { cause: err });
    }
    const text = await res.text();
    if (!res.ok) throw new Error(`istiod GET ${path}: ${res.status} ${text}`);
    return text;
  }

  async configz(): Promise<ConfigzEntry[]> {
    return JSON.parse(await this.get('/debug/configz')) as ConfigzEntry[];
  }

  async registryz(): Promise<RegistryzService[]> {
    return JSON.parse(await this.get('/debug/registryz')) as RegistryzService[];
  }

  async endpointShardz(): Promise<EndpointShardz> {
    const shardz = JSON.parse(await this.get('/debug/endpointShardz')) as EndpointShardz;
    // On the 1.22 line an endpoint has one `Address`; shown as `Addresses` like 1.26.
    for (const ns of Object.values(shardz)) {
      for (const shards of Object.values(ns)) {
        for (const eps of Object.values(shards.Shards ?? {})) {
          for (const e of eps ?? []) {
            const old = e as ShardEndpoint & { Address?: string };
            if (old.Addresses === undefined && old.Address !== undefined) old.Addresses = [old.Address];
          }
        }
      }
    }
    return shardz;
  }

  async metrics(): Promise<Map<string, number>> {
    return parseMetrics(await this.get('/metrics'));
  }

  /** Ends istiod by PID (TERM, then KILL after 5 s) and removes its folder (kept, with the log, if IRB_E2E_KEEP is set). */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.exitInfo === undefined) {
      process.kill(this.pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (this.exitInfo === undefined) process.kill(this.pid, 'SIGKILL');
      }, 5_000);
      await this.exited;
      clearTimeout(timer);
    }
    if (process.env.IRB_E2E_KEEP) {
      writeFileSync(join(this.dir, 'istiod.log'), this.output);
      console.log(`istiod log kept in ${join(this.dir, 'istiod.log')}`);
    } else {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  /**
   * Ready = the plaintext gRPC port accepts connections (istiod opens it only
   * after every config-source type was answered) and the log says so. Kube-less
   * istiod never answers /ready with 200.
   */
  private async waitReady(timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!(await canConnect(this.ports.grpc))) {
      if (this.exitInfo !== undefined) {
        throw new Error(`istiod ${this.exitInfo} during start; log:\n${this.tail()}`);
      }
      if (Date.now() > end) throw new Error(`istiod not ready in ${timeoutMs} ms; log:\n${this.tail()}`);
      await sleep(50);
    }
    await this.waitForLog(/All caches have been synced/, 0, Math.max(1_000, end - Date.now()));
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// ---- adsc-probe ---------------------------------------------------------------------

/** One resource as the probe's validating store holds it. */
export interface ProbeResource {
  kind: string;
  namespace: string;
  name: string;
  resourceVersion: string;
  creationTimestamp: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  spec: Record<string, unknown>;
}

export interface ProbeResult {
  readonly code: number | null;
  readonly synced: boolean;
  /** Number of Istio kinds answered (from the `synced` line). */
  readonly types?: number;
  readonly missing: string[];
  readonly resources: ProbeResource[];
  readonly validationErrors: Record<string, string>[];
  readonly warnings: string[];
  readonly errors: string[];
  /** Type URLs of the DiscoveryResponses received, in order. */
  readonly responseTypeUrls: string[];
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs adsc-probe (`fx.adscProbe`: the suite's line's or the legacy one) against `addr` (host:port) and parses its JSON lines. */
export function runProbe(
  fx: Pick<IstioFixtures, 'adscProbe'>,
  addr: string,
  opts: { types?: 'default' | 'v1alpha3'; timeout?: string } = {},
): Promise<ProbeResult> {
  const args = [
    '-addr',
    addr,
    '-types',
    opts.types ?? 'default',
    '-timeout',
    opts.timeout ?? '20s',
    '-responses',
  ];
  return new Promise((resolve, reject) => {
    execFile(fx.adscProbe, args, { timeout: 60_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') {
        reject(new Error(`adsc-probe ${args.join(' ')}: ${err.message}\n${stderr}`));
        return;
      }
      const code = err ? (err.code as number) : 0;
      const result = {
        code,
        synced: false,
        types: undefined as number | undefined,
        missing: [] as string[],
        resources: [] as ProbeResource[],
        validationErrors: [] as Record<string, string>[],
        warnings: [] as string[],
        errors: [] as string[],
        responseTypeUrls: [] as string[],
        stdout,
        stderr,
      };
      for (const line of stdout.split('\n')) {
        if (line.trim() === '') continue;
        const o = JSON.parse(line) as Record<string, unknown>;
        if ('synced' in o) {
          result.synced = o.synced === true;
          if (typeof o.types === 'number') result.types = o.types;
          if (Array.isArray(o.missing)) result.missing = o.missing as string[];
        } else if ('response' in o) {
          result.responseTypeUrls.push(String((o.response as { typeUrl?: unknown }).typeUrl));
        } else if ('validationError' in o) result.validationErrors.push(o as Record<string, string>);
        else if ('adscWarning' in o) result.warnings.push(String(o.adscWarning));
        else if ('error' in o) result.errors.push(String(o.error));
        else if ('kind' in o && 'spec' in o) result.resources.push(o as unknown as ProbeResource);
      }
      resolve(result);
    });
  });
}

// ---- timings -------------------------------------------------------------------------

/** Prints `istiod convergence: <what> <ms> ms` and appends it to $IRB_E2E_TIMINGS if set. */
export function reportConvergence(what: string, ms: number): void {
  const line = `istiod convergence: ${what} ${Math.round(ms)} ms`;
  console.log(line);
  const file = process.env.IRB_E2E_TIMINGS;
  if (file) appendFileSync(file, `${line}\n`);
}

/**
 * Polls `check` (every 10 ms) until it returns a value other than undefined;
 * returns it with the milliseconds elapsed since `since` (a performance.now()).
 */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  since = performance.now(),
): Promise<{ value: T; ms: number }> {
  const end = since + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return { value, ms: performance.now() - since };
    } catch (err) {
      last = err;
    }
    if (performance.now() > end) {
      const why = last instanceof Error ? ` (last error: ${last.message})` : '';
      throw new Error(`${what}: not reached within ${timeoutMs} ms${why}`);
    }
    await sleep(10);
  }
}

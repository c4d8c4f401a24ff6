/**
 * The bridge as a child process (`registry-bridge serve`), on free loopback
 * ports that stay the same across stop/start, so a real istiod can reconnect
 * to it. Stopped by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { CLI } from './cli.js';
import { freePort } from './ports.js';

/** One resource of the bridge's /debug/resources. */
export interface ServedResource {
  name: string; // namespace/name
  version: string;
  spec: Record<string, unknown>;
}

export interface ServedKind {
  version: string;
  count: number;
  resources: ServedResource[];
}

export interface DebugResources {
  gateOpen: boolean;
  kinds: Record<string, ServedKind>;
}

export interface ClientWatch {
  typeUrl: string;
  lastSentVersion: string;
  lastAckedVersion: string;
  nackCount: number;
}

export interface DebugClient {
  id: number;
  mode: string;
  nodeId: string;
  watches: ClientWatch[];
}

export interface BridgeProcessOptions {
  /** `registries:` entries; a `type: file` entry's `path` is relative to the bridge's folder. */
  readonly registries: unknown[];
  readonly mode?: 'serviceentry' | 'workloadentry';
  /** Initial content of services.yaml in the bridge's folder. */
  readonly services?: unknown;
  /** `xds.tls` (paths relative to the bridge's folder, or absolute). */
  readonly tls?: { certFile: string; keyFile: string; clientCaFile?: string };
  /** More top-level config keys (e.g. `massDeletion`). */
  readonly extra?: Record<string, unknown>;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export class BridgeProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private out = '';
  /** The config last written by start() (tests change it and call writeConfig). */
  config: Record<string, unknown> = {};

  private constructor(
    readonly dir: string,
    readonly xdsPort: number,
    readonly adminPort: number,
  ) {}

  static async start(opts: BridgeProcessOptions): Promise<BridgeProcess> {
    const dir = mkdtempSync(join(tmpdir(), 'irb-bridge-'));
    const bridge = new BridgeProcess(dir, await freePort(), await freePort());
    if (opts.services !== undefined) bridge.writeServices(opts.services);
    bridge.config = {
      xds: {
        address: bridge.xds,
        debounce: '10ms',
        maxDelay: '200ms',
        ...(opts.tls !== undefined && { tls: opts.tls }),
      },
      admin: { address: `127.0.0.1:${bridge.adminPort}` },
      output: { mode: opts.mode ?? 'serviceentry' },
      log: { level: 'info' },
      ...opts.extra,
      registries: opts.registries,
    };
    bridge.writeConfig(bridge.config);
    await bridge.launch();
    return bridge;
  }

  /** host:port of the xDS server (what follows xds:// in istiod's configSources). */
  get xds(): string {
    return `127.0.0.1:${this.xdsPort}`;
  }

  get admin(): string {
    return `http://127.0.0.1:${this.adminPort}`;
  }

  get servicesFile(): string {
    return join(this.dir, 'services.yaml');
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** What the bridge printed (JSON log lines), across restarts. */
  output(): string {
    return this.out;
  }

  /** Replaces config.yaml atomically with `doc`, or with raw text. */
  writeConfig(doc: unknown): void {
    const tmp = join(this.dir, '.config.yaml.tmp');
    writeFileSync(tmp, typeof doc === 'string' ? doc : stringify(doc));
    renameSync(tmp, join(this.dir, 'config.yaml'));
  }

  /** Sends `signal` to the running bridge by PID. */
  signal(signal: NodeJS.Signals): void {
    if (this.child?.pid === undefined) throw new Error('bridge not running');
    process.kill(this.child.pid, signal);
  }

  /** A metric's value from /metrics (the sum over series matching `labels`), or undefined. */
  async metric(name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
    const res = await fetch(`${this.admin}/metrics`);
    const text = await res.text();
    let sum: number | undefined;
    for (const line of text.split('\n')) {
      if (!line.startsWith(name) || (line[name.length] !== '{' && line[name.length] !== ' ')) continue;
      if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
      sum = (sum ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    return sum;
  }

  /** Replaces services.yaml atomically (write + rename), as a ConfigMap update does. */
  writeServices(doc: unknown): void {
    const tmp = join(this.dir, '.services.yaml.tmp');
    writeFileSync(tmp, stringify(doc));
    renameSync(tmp, this.servicesFile);
  }

  async resources(): Promise<DebugResources> {
    return (await this.getJson('/debug/resources')) as DebugResources;
  }

  async clients(): Promise<DebugClient[]> {
    return ((await this.getJson('/debug/clients')) as { clients: DebugClient[] }).clients;
  }

  async getJson(path: string): Promise<unknown> {
    const res = await fetch(`${this.admin}${path}`);
    if (!res.ok) throw new Error(`bridge GET ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  }

  /** SIGTERM by PID (the bridge ends its streams and exits 0), SIGKILL after 10 s. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    this.child = undefined;
    if (child.exitCode === null && child.signalCode === null) {
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      process.kill(child.pid!, 'SIGTERM');
      await this.exited;
      clearTimeout(timer);
    }
  }

  /** Starts `serve` again with the same config and ports; resolves once /readyz is 200. */
  async launch(): Promise<void> {
    if (this.child !== undefined) throw new Error('bridge already running');
    const child = spawn(process.execPath, [CLI, 'serve', '--config', join(this.dir, 'config.yaml')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    live.add(child);
    const onData = (d: Buffer): void => {
      this.out += d.toString();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    // 'close', not 'exit': the log is read to its end before anyone looks at it.
    this.exited = new Promise((resolve) =>
      child.once('close', () => {
        live.delete(child);
        resolve();
      }),
    );
    const end = Date.now() + 15_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        this.child = undefined;
        await this.exited;
        throw new Error(`bridge exited during start:\n${this.out}`);
      }
      const res = await fetch(`${this.admin}/readyz`).catch(() => undefined);
      if (res?.status === 200) return;
      if (Date.now() > end) throw new Error(`bridge not ready in 15 s:\n${this.out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Stops the process and removes its folder. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

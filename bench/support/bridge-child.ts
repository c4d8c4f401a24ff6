/** `registry-bridge serve` as a child process on free loopback ports, for the benches; stopped by PID. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../test/support/ports.js';
import { imageNodeOptions } from '../../test/support/image-node-options.js';

/** The `registry-bridge` command as shipped: the one-file build (scripts/bundle.mjs). */
const CLI = join(import.meta.dirname, '..', '..', 'bundle', 'registry-bridge.mjs');

/**
 * Node options for every bridge child: the container image's (test/support/image-node-options.ts),
 * then any from IRB_BENCH_BRIDGE_NODE_ARGS (split on spaces), for looking inside a bench's bridge,
 * e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (which NODE_OPTIONS refuses). Read once.
 */
const BRIDGE_NODE_ARGS: readonly string[] = [
  ...imageNodeOptions(),
  ...(process.env.IRB_BENCH_BRIDGE_NODE_ARGS ?? '').split(' ').filter((a) => a !== ''),
];

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

export class BridgeChild {
  private out = '';
  readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly xdsPort: number,
    readonly spawnedAt: number,
    readonly adminPort: number,
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

  /**
   * Writes a config with xds.debounce 0 (or the `xds` settings given), log level warn and the one
   * `registry` given, in a fresh folder named `<tmpPrefix>XXXXXX`, and spawns
   * the bridge on it.
   */
  static async start(
    tmpPrefix: string,
    registry: Record<string, unknown>,
    xds: Record<string, unknown> = { debounce: 0 },
  ): Promise<BridgeChild> {
    const dir = mkdtempSync(join(tmpdir(), tmpPrefix));
    const xdsPort = await freePort();
    const adminPort = await freePort();
    const config = {
      xds: { address: `127.0.0.1:${xdsPort}`, ...xds },
      admin: { address: `127.0.0.1:${adminPort}` },
      log: { level: 'warn' },
      registries: [registry],
    };
    // JSON is valid YAML.
    writeFileSync(join(dir, 'config.yaml'), JSON.stringify(config));
    const spawnedAt = performance.now();
    const child = spawn(
      process.execPath,
      [...BRIDGE_NODE_ARGS, CLI, 'serve', '--config', join(dir, 'config.yaml')],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    return new BridgeChild(child, dir, xdsPort, spawnedAt, adminPort);
  }

  /** The child's resident set size in bytes, from /proc (undefined where there is none). */
  rss(): number | undefined {
    try {
      const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
      const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
      return kb === undefined ? undefined : Number(kb) * 1024;
    } catch {
      return undefined;
    }
  }

  get xds(): string {
    return `127.0.0.1:${this.xdsPort}`;
  }

  hasExited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get admin(): string {
    return `127.0.0.1:${this.adminPort}`;
  }

  output(): string {
    return this.out;
  }

  /** Polls the xDS port (gRPC's own reconnect back-off would add up to a second); when it opened. */
  async waitListening(timeoutMs: number): Promise<number> {
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

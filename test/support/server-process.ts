/**
 * The base of the registry servers run as child processes for integration
 * tests (Consul, ZooKeeper, Eureka): spawned in their folder with the output
 * appended to a log file, waited for until ready, frozen (SIGSTOP) and thawed
 * (SIGCONT), killed, restarted, stopped by PID. Children still running when
 * the test process exits are killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) {
    try {
      process.kill(child.pid!, 'SIGCONT');
      process.kill(child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

export interface ServerProcessOptions {
  /** The server's name in error messages ('consul', 'zookeeper', ...). */
  readonly name: string;
  /** Its folder: the working directory, holding the log file; deleted by stop(). */
  readonly dir: string;
  /** The log file's name in `dir`. */
  readonly logFile: string;
  /** How many last lines of the log logTail() returns. */
  readonly tailLines: number;
  /** stop() sends SIGKILL when SIGTERM has not ended the process within this. */
  readonly killAfterMs: number;
}

export interface ReadyWait {
  readonly timeoutMs: number;
  readonly pollMs: number;
  /** Ends the error when the deadline passes: `<name> <notReady>:\n<log tail>`. */
  readonly notReady: string;
}

export abstract class ServerProcess {
  private child: ChildProcess | undefined;
  private frozen = false;

  protected constructor(private readonly processOptions: ServerProcessOptions) {}

  /** Starts the server (with spawnUntilReady) and returns when it is ready. */
  protected abstract launch(): Promise<void>;

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * Spawns `command args` in the folder, output appended to the log file,
   * then polls `ready` (a throw counts as not ready) until it says true.
   * Throws, with the log's tail, if the process exits first or the deadline passes.
   */
  protected async spawnUntilReady(
    command: string,
    args: readonly string[],
    ready: () => Promise<boolean>,
    wait: ReadyWait,
  ): Promise<void> {
    const log = openSync(join(this.processOptions.dir, this.processOptions.logFile), 'a');
    const child = spawn(command, args, { stdio: ['ignore', log, log], cwd: this.processOptions.dir });
    closeSync(log);
    this.child = child;
    this.frozen = false;
    live.add(child);
    child.once('exit', () => live.delete(child));
    const deadline = Date.now() + wait.timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `${this.processOptions.name} exited during start (${child.exitCode ?? child.signalCode}):\n${this.logTail()}`,
        );
      }
      try {
        if (await ready()) return;
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, wait.pollMs));
    }
    throw new Error(`${this.processOptions.name} ${wait.notReady}:\n${this.logTail()}`);
  }

  /** SIGSTOP: the process keeps its sockets open but answers nothing (a hung or partitioned server). */
  freeze(): void {
    if (!this.child?.pid || this.frozen) return;
    process.kill(this.child.pid, 'SIGSTOP');
    this.frozen = true;
  }

  /** SIGCONT after freeze(). */
  thaw(): void {
    if (!this.child?.pid || !this.frozen) return;
    process.kill(this.child.pid, 'SIGCONT');
    this.frozen = false;
  }

  /** SIGKILL, as if the server crashed (a frozen one too). */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** Kills the server if it runs, then starts it again on the same port(s) in the same folder. */
  async restart(): Promise<void> {
    await this.kill();
    await this.launch();
  }

  /**
   * Sends `sig` by PID (a frozen process is also sent SIGCONT, unless `sig` is
   * SIGKILL) and waits for the exit; the process is forgotten either way.
   */
  private async signal(sig: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    const frozen = this.frozen;
    this.frozen = false;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    process.kill(child.pid!, sig);
    if (frozen && sig !== 'SIGKILL') process.kill(child.pid!, 'SIGCONT');
    await exited;
  }

  /** Stops by PID (thawed, SIGTERM, then SIGKILL after `killAfterMs`) and deletes the folder. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      this.thaw();
      const timer = setTimeout(() => {
        try {
          process.kill(child.pid!, 'SIGKILL');
        } catch {
          // gone
        }
      }, this.processOptions.killAfterMs);
      await this.signal('SIGTERM');
      clearTimeout(timer);
    }
    this.child = undefined;
    this.frozen = false;
    rmSync(this.processOptions.dir, { recursive: true, force: true });
  }

  /** The last lines of the log ('' when there is none yet). */
  logTail(): string {
    try {
      return readFileSync(join(this.processOptions.dir, this.processOptions.logFile), 'utf8')
        .split('\n')
        .slice(-this.processOptions.tailLines)
        .join('\n');
    } catch {
      return '';
    }
  }
}

/** A child process driven by lines on stdin and answering with lines on stdout (each line timed on arrival); stopped by PID. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) {
    try {
      if (c.pid !== undefined) process.kill(c.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** A stdout line and when it arrived (performance.now()). */
export interface TimedLine {
  readonly text: string;
  readonly at: number;
}

export class LineChild {
  private readonly waiters: Array<{ prefix: string; resolve: (line: TimedLine) => void }> = [];
  private stderr = '';
  readonly exited: Promise<void>;

  /** `spawnedAt`: performance.now() just before the child was spawned. */
  constructor(
    private readonly child: ChildProcess,
    readonly spawnedAt: number = performance.now(),
  ) {
    live.add(child);
    createInterface({ input: child.stdout! }).on('line', (text) => {
      const at = performance.now();
      const i = this.waiters.findIndex((w) => text.startsWith(w.prefix));
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve({ text, at });
    });
    child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        live.delete(child);
        for (const w of this.waiters.splice(0)) w.resolve({ text: '', at: performance.now() });
        resolve();
      }),
    );
  }

  static start(cmd: string, args: readonly string[], nodeFlags: readonly string[] = []): LineChild {
    const spawnedAt = performance.now();
    return new LineChild(
      spawn(cmd, [...nodeFlags, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env } }),
      spawnedAt,
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The next stdout line starting with `prefix`. */
  async line(prefix: string): Promise<string> {
    return (await this.timedLine(prefix)).text;
  }

  /** The next stdout line starting with `prefix`, with the moment it was read. */
  async timedLine(prefix: string): Promise<TimedLine> {
    const line = await new Promise<TimedLine>((resolve) => this.waiters.push({ prefix, resolve }));
    if (line.text === '') throw new Error(`child exited while waiting for "${prefix}":\n${this.stderr}`);
    return line;
  }

  send(command: string): void {
    this.child.stdin!.write(`${command}\n`);
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (c.exitCode === null && c.signalCode === null) {
      const timer = setTimeout(() => process.kill(c.pid!, 'SIGKILL'), 5_000);
      process.kill(c.pid!, 'SIGTERM');
      await this.exited;
      clearTimeout(timer);
    }
  }
}

/** A server child process driven by lines on stdin and answering with lines on stdout; stopped by PID. */
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

export class LineChild {
  private readonly waiters: Array<{ prefix: string; resolve: (line: string) => void }> = [];
  private stderr = '';
  readonly exited: Promise<void>;

  constructor(private readonly child: ChildProcess) {
    live.add(child);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const i = this.waiters.findIndex((w) => line.startsWith(w.prefix));
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(line);
    });
    child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        live.delete(child);
        for (const w of this.waiters.splice(0)) w.resolve('');
        resolve();
      }),
    );
  }

  static start(cmd: string, args: readonly string[], nodeFlags: readonly string[] = []): LineChild {
    return new LineChild(
      spawn(cmd, [...nodeFlags, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env } }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The next stdout line starting with `prefix`. */
  async line(prefix: string): Promise<string> {
    const line = await new Promise<string>((resolve) => this.waiters.push({ prefix, resolve }));
    if (line === '') throw new Error(`child exited while waiting for "${prefix}":\n${this.stderr}`);
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

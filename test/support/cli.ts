import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { eventually } from './bridge.js';

/** The `registry-bridge` command as shipped: the one-file build (scripts/bundle.mjs). */
export const CLI = join(import.meta.dirname, '..', '..', 'bundle', 'registry-bridge.mjs');

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  readonly timeoutMs?: number;
  /** A file descriptor for the child's stdout instead of a pipe (`stdout` is then empty). */
  readonly stdoutFd?: number;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Runs a program to completion. Resolves on 'close', when the process has
 * exited and its stdout and stderr have ended (every byte read), not on
 * 'exit', which can come first.
 */
export function runProcess(command: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', opts.stdoutFd ?? 'pipe', 'pipe'],
      ...(opts.env !== undefined && { env: opts.env }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs the CLI to completion (see runProcess). */
export function runCli(args: string[], timeoutMs = 30_000): Promise<RunResult> {
  return runProcess(process.execPath, [CLI, ...args], { timeoutMs });
}

export interface StartedCli {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved. */
  output: () => string;
  /** The exit code, once the process has exited and its output has been read to the end. */
  exited: Promise<number | null>;
}

/** Starts a long-running CLI command (e.g. serve); the caller stops it. */
export function startCli(args: string[]): StartedCli {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

export interface EarlyCloseResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  firstLine: string;
  stderr: string;
  /** From closing the read end of stdout to the process ending. */
  msAfterClose: number;
}

/** Runs the CLI like `registry-bridge ... | head -1`: reads one line of stdout, then closes the pipe. */
export function runCliReadingOneLine(args: string[], timeoutMs = 30_000): Promise<EarlyCloseResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let closedAt: number | undefined;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (closedAt === undefined && stdout.includes('\n')) {
        closedAt = Date.now();
        child.stdout.destroy();
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`registry-bridge ${args.join(' ')} did not end in ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (closedAt === undefined) {
        reject(new Error(`registry-bridge ${args.join(' ')} ended before printing a line\n${stderr}`));
        return;
      }
      const firstLine = stdout.slice(0, stdout.indexOf('\n'));
      resolve({ code, signal, firstLine, stderr, msAfterClose: Date.now() - closedAt });
    });
  });
}

/** Starts `serve` and waits until its admin server (`host:port`) says it is ready. */
export async function startServe(
  configPath: string,
  admin: string,
  extra: string[] = [],
): Promise<StartedCli> {
  const serve = startCli(['serve', '--config', configPath, ...extra]);
  await eventually(async () => {
    if (serve.child.exitCode !== null) throw new Error(`serve exited with ${serve.child.exitCode}`);
    const res = await fetch(`http://${admin}/readyz`).catch(() => undefined);
    return res?.status === 200 ? true : undefined;
  }, 20_000).catch((err: Error) => {
    serve.child.kill('SIGKILL');
    throw new Error(`${err.message}; serve printed:\n${serve.output()}`);
  });
  return serve;
}

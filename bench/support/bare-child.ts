/**
 * Timing a program from spawn to a line it prints, for the cold-start
 * benches: each bare registry reader (bare-*-child.ts) runs as its own fresh
 * node process, like the bridge it is compared with.
 */
import { join } from 'node:path';
import { doneLine, type Seen } from './bare-done.js';
import { LineChild } from './line-child.js';

/**
 * Spawns `node <script> ...args` and times spawn -> the first stdout line
 * starting with `prefix`; then waits for the child to exit. Kills it and
 * rejects when that line has not come within `timeoutMs`. Also returns the
 * CPU time the child printed on a `cpu <ms>` line before it.
 */
export async function timeChildLine(
  script: string,
  args: readonly string[],
  prefix: string,
  timeoutMs: number,
): Promise<{ ms: number; text: string; cpuMs: number }> {
  const child = LineChild.start(process.execPath, [script, ...args]);
  const cpu = child.timedLine('cpu ');
  cpu.catch(() => undefined); // a child that fails says so through its `prefix` line
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${script}: no "${prefix}" line in ${timeoutMs / 1000} s`));
      void child.stop();
    }, timeoutMs);
  });
  try {
    const line = await Promise.race([child.timedLine(prefix), timedOut]);
    const cpuMs = Number((await Promise.race([cpu, timedOut])).text.slice('cpu '.length));
    await Promise.race([child.exited, timedOut]);
    return { ms: line.at - child.spawnedAt, text: line.text, cpuMs };
  } finally {
    clearTimeout(timer);
    await child.stop();
  }
}

/** A bare child's run: ms from spawn to its `done` line, and its CPU time (all threads) until then. */
export interface BareRun {
  readonly ms: number;
  readonly cpuMs: number;
}

/**
 * Runs the bare child `name` (bench/support/<name>.ts, compiled) with `args`
 * and then the expected counts, and times it to its `done` line, which must
 * report `expected`.
 */
export async function timeBareChild(
  name: string,
  args: readonly string[],
  expected: Seen,
  timeoutMs: number,
): Promise<BareRun> {
  const script = join(import.meta.dirname, `${name}.js`);
  const counts = [String(expected.services), String(expected.instances)];
  const { ms, text, cpuMs } = await timeChildLine(script, [...args, ...counts], 'done', timeoutMs);
  if (text !== doneLine(expected)) throw new Error(`${name}: "${text}", expected "${doneLine(expected)}"`);
  return { ms, cpuMs };
}

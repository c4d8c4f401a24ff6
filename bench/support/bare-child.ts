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
 * rejects when that line has not come within `timeoutMs`.
 */
export async function timeChildLine(
  script: string,
  args: readonly string[],
  prefix: string,
  timeoutMs: number,
): Promise<{ ms: number; text: string }> {
  const child = LineChild.start(process.execPath, [script, ...args]);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${script}: no "${prefix}" line in ${timeoutMs / 1000} s`));
      void child.stop();
    }, timeoutMs);
  });
  try {
    const line = await Promise.race([child.timedLine(prefix), timedOut]);
    await Promise.race([child.exited, timedOut]);
    return { ms: line.at - child.spawnedAt, text: line.text };
  } finally {
    clearTimeout(timer);
    await child.stop();
  }
}

/**
 * Runs the bare child `name` (bench/support/<name>.ts, compiled) with `args`
 * and then the expected counts, and returns ms from spawn to its `done` line,
 * which must report `expected`.
 */
export async function timeBareChild(
  name: string,
  args: readonly string[],
  expected: Seen,
  timeoutMs: number,
): Promise<number> {
  const script = join(import.meta.dirname, `${name}.js`);
  const counts = [String(expected.services), String(expected.instances)];
  const { ms, text } = await timeChildLine(script, [...args, ...counts], 'done', timeoutMs);
  if (text !== doneLine(expected)) throw new Error(`${name}: "${text}", expected "${doneLine(expected)}"`);
  return ms;
}

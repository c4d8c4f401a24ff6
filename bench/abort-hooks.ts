/**
 * [2b] What one more abort callback costs on a registry-wide signal that
 * already holds 100 or 30,000 others (one per service watch or queued
 * request): the kit's `onAbort` (src/adapters/kit/abort-hooks.ts) against
 * plain addEventListener/removeEventListener, which walk every listener.
 * Each side is timed adding and taking back 2,000 callbacks on top of the
 * others; the figure is the 30,000 time over the 100 time, in one run,
 * judged like [2]: at most 1.5x.
 */
import { setMaxListeners } from 'node:events';
import { onAbort } from '../src/adapters/kit/abort-hooks.js';
import { median, verdict } from './stats.js';

const SMALL = 100;
const LARGE = 30_000;
const MEASURED = 2_000;
const ROUNDS = 5;

type Add = (signal: AbortSignal, fn: () => void) => () => void;

const eventTarget: Add = (signal, fn) => {
  signal.addEventListener('abort', fn, { once: true });
  return () => signal.removeEventListener('abort', fn);
};

/** Microseconds to add and take back one callback with `others` already on the signal. */
function perCallback(add: Add, others: number): number {
  const ac = new AbortController();
  setMaxListeners(0, ac.signal);
  for (let i = 0; i < others; i++) add(ac.signal, () => undefined);
  const t0 = performance.now();
  const offs: (() => void)[] = [];
  for (let i = 0; i < MEASURED; i++) offs.push(add(ac.signal, () => undefined));
  for (const off of offs) off();
  return ((performance.now() - t0) * 1000) / MEASURED;
}

function scaling(add: Add): { small: number; large: number } {
  perCallback(add, SMALL); // warm-up
  const small: number[] = [];
  const large: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    small.push(perCallback(add, SMALL));
    large.push(perCallback(add, LARGE));
  }
  return { small: median(small), large: median(large) };
}

export function runAbortHookBench(): void {
  const kit = scaling(onAbort);
  const plain = scaling(eventTarget);
  const line = (s: { small: number; large: number }): string =>
    `${s.small.toFixed(2)} us with ${SMALL} others, ${s.large.toFixed(2)} us with ${LARGE.toLocaleString('en')} -> ${(s.large / s.small).toFixed(1)}x`;
  console.log(
    `[2b] one abort callback added and taken back on a signal shared by every watch (median of ${ROUNDS}):`,
  );
  const r = kit.large / kit.small;
  console.log(`    kit onAbort: ${line(kit)} (target <= 1.5x, as [2]: ${verdict(r <= 1.5)})`);
  console.log(`    addEventListener/removeEventListener (before): ${line(plain)}`);
}

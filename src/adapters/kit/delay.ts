/** Kit: an abortable pause; also spaces requests (a negative or zero wait returns at once). */
import { onAbort } from './abort-hooks.js';

/** The longest wait one Node timer can do; a longer one would fire after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Waits `ms` (any length: waits longer than one timer allows are chained);
 * resolves `false` at once if the signal aborts (never rejects).
 */
export function delay(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (!(ms > 0)) return Promise.resolve(true);
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const wait = (left: number): void => {
      timer = setTimeout(
        () => {
          if (left > MAX_TIMER_MS) return wait(left - MAX_TIMER_MS);
          off();
          resolve(true);
        },
        Math.min(left, MAX_TIMER_MS),
      );
    };
    wait(ms);
    const off = onAbort(signal, () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

/**
 * Waits until at least `minIntervalMs` have passed since `startedAt` (a
 * `Date.now()` value), so a loop whose requests answer at once cannot spin.
 */
export function spaceFrom(startedAt: number, minIntervalMs: number, signal: AbortSignal): Promise<boolean> {
  return delay(minIntervalMs - (Date.now() - startedAt), signal);
}

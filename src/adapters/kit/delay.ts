/** Kit: an abortable pause; also spaces requests (a negative or zero wait returns at once). */

/** Waits `ms`; resolves `false` at once if the signal aborts (never rejects). */
export function delay(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Waits until at least `minIntervalMs` have passed since `startedAt` (a
 * `Date.now()` value), so a loop whose requests answer at once cannot spin.
 */
export function spaceFrom(startedAt: number, minIntervalMs: number, signal: AbortSignal): Promise<boolean> {
  return delay(minIntervalMs - (Date.now() - startedAt), signal);
}

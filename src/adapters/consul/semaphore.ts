/**
 * How Consul health watches share the kit's Semaphore slots: the blocking
 * `wait` shrinks when there are more watches than slots. (The semaphore
 * itself is in ../kit/semaphore.ts; bench/ imports `sharedWaitMs` from here.)
 */

/** Shortest `wait` a shared slot is held for when watches outnumber slots. */
export const MIN_SHARED_WAIT_MS = 250;

/**
 * The `wait` for one blocking health query. While every watched service fits
 * in the slots each query blocks for the configured wait. When there are more
 * watches than slots they take turns, and the wait is shortened so that one
 * round over all of them takes about the configured wait (each query holds
 * its slot at least 250 ms, which caps the request rate at slots × 4 per
 * second): a change is then seen within about one round, because Consul
 * answers a query at once when the index moved while it was queued.
 */
export function sharedWaitMs(waitMs: number, slots: number, watches: number): number {
  if (watches <= slots) return waitMs;
  return Math.max(Math.min(MIN_SHARED_WAIT_MS, waitMs), Math.floor((waitMs * slots) / watches));
}

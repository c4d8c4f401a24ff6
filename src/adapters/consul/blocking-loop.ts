import { errorMessage } from '../../errors.js';
import type { ConsulResponse } from './client.js';
import { AbortedError } from '../kit/aborted.js';
import type { Backoff } from '../kit/backoff.js';
import { delay, spaceFrom } from '../kit/delay.js';
import { stepIndex } from './blocking-index.js';

/**
 * Shortest time between two requests of one watch unless the answer gave an
 * index to block on next (a timeout, a spurious wake-up, a reset, a missing
 * header), so nothing can spin. An answer with a usable index re-arms at once,
 * the watch's first answer included: the next request blocks on that index,
 * so each extra loop stands for a real write in Consul and its rate is bounded
 * by Consul's own, and a change right after another, or right after the watch
 * started, is not held back.
 */
export const MIN_INTERVAL_MS = 100;

export interface BlockingLoopOptions {
  readonly signal: AbortSignal;
  readonly backoff: Backoff;
  /**
   * Sends one request with the given index (0: answer at once). It may send 0
   * instead when it knows the index is not to be trusted; it then says so in
   * `sentIndex`. Rejecting with AbortedError ends the loop quietly.
   */
  readonly fetch: (index: bigint, signal: AbortSignal) => Promise<ConsulResponse & { sentIndex?: bigint }>;
  /** A new state (first answer, changed index, or reset). */
  readonly onData: (body: unknown) => void;
  /** Any successful answer, after `onData`. */
  readonly onOk: () => void;
  /** A failed request; the loop backs off, then retries from index 0. */
  readonly onError: (err: Error) => void;
}

/**
 * One Consul blocking-query watch: request with the last index, apply the
 * body when the index says so, repeat. Errors back off with jitter and reset
 * the index to 0, because after an outage the index may belong to a Consul
 * that has since restarted. Ends (without throwing) when the signal aborts.
 */
export async function runBlockingLoop(o: BlockingLoopOptions): Promise<void> {
  const { signal } = o;
  let index = 0n;
  while (!signal.aborted) {
    const started = Date.now();
    let res: ConsulResponse & { sentIndex?: bigint };
    try {
      res = await o.fetch(index, signal);
    } catch (err) {
      if (signal.aborted || err instanceof AbortedError) return;
      o.onError(err instanceof Error ? err : new Error(errorMessage(err)));
      index = 0n;
      if (!(await delay(o.backoff.next(), signal))) return;
      continue;
    }
    if (signal.aborted) return;
    const sent = res.sentIndex ?? index;
    const step = stepIndex(sent, res.index);
    try {
      if (step.changed) o.onData(res.body);
    } catch (err) {
      // A body that cannot be used counts as a failed request.
      o.onError(err instanceof Error ? err : new Error(errorMessage(err)));
      index = 0n;
      if (!(await delay(o.backoff.next(), signal))) return;
      continue;
    }
    index = step.next;
    o.backoff.reset();
    o.onOk();
    // Only an answer that leaves a real index to block on skips the pause: an unchanged index,
    // a reset, or a missing header (next index 0: a non-blocking request) never does. The first
    // answer (sent 0) qualifies: the request after it blocks.
    if (step.changed && !step.reset && step.next > 1n) continue;
    if (!(await spaceFrom(started, MIN_INTERVAL_MS, signal))) return;
  }
}

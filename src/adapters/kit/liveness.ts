/** Kit: a cheap liveness probe beside the long watches, so a silent registry is reported stale in bounded time. */
import { BridgeError, errorMessage } from '../../errors.js';
import { onAbort } from './abort-hooks.js';
import { delay } from './delay.js';
import type { StaleTracker } from './stale-tracker.js';

/** The adapter's probe: one cheap request that resolves when the registry answered and rejects otherwise. */
export type LivenessProbe = (signal: AbortSignal, timeoutMs: number) => Promise<void>;

export interface LivenessOptions {
  readonly probe: LivenessProbe;
  /** Bound on detection: a registry silent from time t is reported stale by t + staleAfterMs; 0 turns the probe off. */
  readonly staleAfterMs: number;
  readonly tracker: StaleTracker;
  /** Stops the loop. */
  readonly signal: AbortSignal;
  /** The registry's name in messages, e.g. `Consul at http://…`. */
  readonly label: string;
}

/** The tracker's source for the probe's failures. */
export const LIVENESS_SOURCE = 'liveness';

/**
 * Probes every `staleAfterMs / 2` with a timeout of `staleAfterMs / 2`: a
 * registry that stops answering right after a successful probe fails the next
 * one, which started at most half the bound later and gives up after the
 * other half. A failure marks the tracker's `liveness` source failing (the
 * registry is stale); the next success clears it. The timeout is enforced
 * here too, so a probe that ignores its signal cannot hang the loop.
 * Resolves when `signal` aborts.
 */
export async function runLiveness(o: LivenessOptions): Promise<void> {
  if (o.staleAfterMs <= 0) return;
  const half = Math.max(1, Math.floor(o.staleAfterMs / 2));
  // The adapter's own first requests prove the registry alive at start.
  let started = Date.now();
  while (await delay(half - (Date.now() - started), o.signal)) {
    started = Date.now();
    const ok = await probeOnce(o, half);
    if (o.signal.aborted) return;
    if (ok === true) o.tracker.ok(LIVENESS_SOURCE);
    else o.tracker.fail(LIVENESS_SOURCE, ok);
  }
}

async function probeOnce(o: LivenessOptions, timeoutMs: number): Promise<true | Error> {
  const abort = new AbortController();
  const off = onAbort(o.signal, () => abort.abort());
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Error>((resolve) => {
    timer = setTimeout(() => {
      abort.abort();
      resolve(
        new BridgeError(
          'IRB_REGISTRY_UNREACHABLE',
          `${o.label} did not answer the liveness probe within ${timeoutMs} ms`,
        ),
      );
    }, timeoutMs);
  });
  try {
    return await Promise.race([
      o.probe(abort.signal, timeoutMs).then(
        (): true => true,
        (err: unknown): Error =>
          err instanceof BridgeError
            ? err
            : new BridgeError(
                'IRB_REGISTRY_UNREACHABLE',
                `${o.label} failed the liveness probe: ${errorMessage(err)}`,
              ),
      ),
      timedOut,
    ]);
  } finally {
    clearTimeout(timer);
    off();
  }
}

/** Thrown by `Semaphore.acquire` when its signal aborts while waiting. */
export class AbortedError extends Error {
  constructor() {
    super('aborted');
    this.name = 'AbortedError';
  }
}

interface Waiter {
  readonly grant: (release: () => void) => void;
}

/**
 * A counting semaphore with two FIFO queues: `high` waiters (first fetches,
 * which answer at once) go before `low` ones (blocking re-arms, which hold
 * their slot for up to `wait`). Keeps the peak for stats and tests.
 */
export class Semaphore {
  private used = 0;
  private peakUsed = 0;
  private readonly high: Waiter[] = [];
  private readonly low: Waiter[] = [];

  constructor(private readonly capacity: number) {}

  get inUse(): number {
    return this.used;
  }

  get peak(): number {
    return this.peakUsed;
  }

  get waiting(): number {
    return this.high.length + this.low.length;
  }

  get size(): number {
    return this.capacity;
  }

  acquire(priority: 'high' | 'low', signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) return Promise.reject(new AbortedError());
    if (this.used < this.capacity && this.waiting === 0) return Promise.resolve(this.take());
    return new Promise((resolve, reject) => {
      const queue = priority === 'high' ? this.high : this.low;
      const onAbort = (): void => {
        const i = queue.indexOf(waiter);
        if (i >= 0) queue.splice(i, 1);
        reject(new AbortedError());
      };
      const waiter: Waiter = {
        grant: (release) => {
          signal.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      queue.push(waiter);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private take(): () => void {
    this.used++;
    this.peakUsed = Math.max(this.peakUsed, this.used);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used--;
      this.dispatch();
    };
  }

  private dispatch(): void {
    while (this.used < this.capacity) {
      const next = this.high.shift() ?? this.low.shift();
      if (!next) return;
      next.grant(this.take());
    }
  }
}

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

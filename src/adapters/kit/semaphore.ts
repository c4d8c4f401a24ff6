/** Kit: a bounded-concurrency semaphore with a high and a low priority queue. */
import { onAbort } from './abort-hooks.js';
import { AbortedError } from './aborted.js';

interface Waiter {
  readonly grant: (release: () => void) => void;
}

/**
 * A counting semaphore with two FIFO queues: `high` waiters (e.g. first
 * fetches, which answer at once) go before `low` ones (e.g. long polls, which
 * hold their slot a long time). Keeps the peak for stats and tests.
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

  /** Resolves with a release function (calling it twice is harmless); rejects with AbortedError on abort. */
  acquire(priority: 'high' | 'low', signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) return Promise.reject(new AbortedError());
    if (this.used < this.capacity && this.waiting === 0) return Promise.resolve(this.take());
    return new Promise((resolve, reject) => {
      const queue = priority === 'high' ? this.high : this.low;
      const waiter: Waiter = {
        grant: (release) => {
          off();
          resolve(release);
        },
      };
      queue.push(waiter);
      const off = onAbort(signal, () => {
        const i = queue.indexOf(waiter);
        if (i >= 0) queue.splice(i, 1);
        reject(new AbortedError());
      });
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

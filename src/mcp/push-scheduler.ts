import type { ResourceKind } from '../model/istio.js';

export interface PendingPush {
  /** Keys changed or removed since the last flush. */
  readonly names: ReadonlySet<string>;
  /** When the first of these changes happened (for the push latency metric). */
  readonly since: number;
}

/**
 * Coalesces store changes: a flush happens `debounceMs` after the last change,
 * but never later than `maxDelayMs` after the first one. Only kinds that
 * changed are flushed. A wait of 0 flushes once the current turn of the event
 * loop is done (setImmediate), with every change made in it: a 0 ms timer
 * would wait at least 1 ms.
 */
export class PushScheduler {
  private pending = new Map<ResourceKind, { names: Set<string>; since: number }>();
  private timer: NodeJS.Timeout | undefined;
  /** Set instead of `timer` when the flush is due at the end of this turn. */
  private immediate: NodeJS.Immediate | undefined;
  private firstAt = 0;
  private cancelled = false;

  constructor(
    private readonly debounceMs: number,
    private readonly maxDelayMs: number,
    private readonly flush: (batch: ReadonlyMap<ResourceKind, PendingPush>) => void,
  ) {}

  add(kind: ResourceKind, names: readonly string[]): void {
    if (this.cancelled) return;
    const now = performance.now();
    let p = this.pending.get(kind);
    if (!p) {
      p = { names: new Set(), since: now };
      this.pending.set(kind, p);
    }
    for (const n of names) p.names.add(n);
    if (this.immediate !== undefined) return; // due at the end of this turn: nothing makes it sooner
    if (this.timer === undefined) this.firstAt = now;
    else clearTimeout(this.timer);
    this.timer = undefined;
    const wait = Math.max(0, Math.min(this.debounceMs, this.firstAt + this.maxDelayMs - now));
    if (wait === 0) this.immediate = setImmediate(() => this.fire());
    else this.timer = setTimeout(() => this.fire(), wait);
  }

  /** Drops anything pending and ignores later changes (on shutdown). */
  cancel(): void {
    this.cancelled = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    this.pending.clear();
  }

  private fire(): void {
    this.timer = undefined;
    this.immediate = undefined;
    const batch = this.pending;
    this.pending = new Map();
    if (batch.size > 0) this.flush(batch);
  }
}

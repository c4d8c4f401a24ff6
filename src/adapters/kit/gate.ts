/** Kit: an open/closed gate that many watches wait on while their registry is down. */
import { onAbort } from './abort-hooks.js';

/**
 * Open or closed; `wait` resolves when open. One watch that stands for the
 * registry as a whole (e.g. a catalog or directory listing) closes the gate
 * when the registry stops answering and opens it when it answers again, so
 * per-service watches do not all keep retrying against a registry that is
 * down: they wait here and resync together after.
 */
export class Gate {
  private isOpen = true;
  private closures = 0;
  private waiters: (() => void)[] = [];

  get open(): boolean {
    return this.isOpen;
  }

  /**
   * How many times the gate has closed. A watch that sees this change must
   * not trust its position (index, version, revision): the registry may have
   * restarted meanwhile and reached the same position with different data (a
   * long poll would then wait for a change that already happened).
   */
  get epoch(): number {
    return this.closures;
  }

  close(): void {
    if (this.isOpen) this.closures++;
    this.isOpen = false;
  }

  openUp(): void {
    if (this.isOpen) return;
    this.isOpen = true;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves `true` once open, `false` if the signal aborts first. */
  wait(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    if (this.isOpen) return Promise.resolve(true);
    return new Promise((resolve) => {
      const onOpen = (): void => {
        off();
        resolve(true);
      };
      this.waiters.push(onOpen);
      const off = onAbort(signal, () => {
        this.waiters = this.waiters.filter((w) => w !== onOpen);
        resolve(false);
      });
    });
  }
}

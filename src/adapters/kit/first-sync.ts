/** Kit: the synced gate: calls `onSynced` once, when every expected watch has answered once. */

/**
 * Counts what must answer before the first sync is complete (a counter, not
 * a scan, so each answer costs O(1)). Nothing is declared synced before
 * `arm()`: until then more expectations may still be added (e.g. while the
 * registry's layout is being discovered).
 */
export class FirstSync {
  private pending = 0;
  private armed = false;
  private done = false;

  constructor(private readonly onSynced: () => void) {}

  get synced(): boolean {
    return this.done;
  }

  /**
   * One more thing must answer once. Returns its `settle` function: call it
   * on the first answer, or when it is dropped before answering; later calls
   * are ignored.
   */
  expect(): () => void {
    this.pending++;
    let settled = false;
    return () => {
      if (settled) return;
      settled = true;
      this.pending--;
      this.check();
    };
  }

  /** Everything to wait for has been expected; sync may complete from now on. */
  arm(): void {
    this.armed = true;
    this.check();
  }

  private check(): void {
    if (this.done || !this.armed || this.pending > 0) return;
    this.done = true;
    this.onSynced();
  }
}

/** The latest value seen by one watcher, and when; `until` waits for a value to match. */
export class Latest<T> {
  value: T | undefined;
  at = 0;
  private waiters: { pred: (v: T) => boolean; resolve: (at: number) => void }[] = [];

  set(value: T, at: number): void {
    this.value = value;
    this.at = at;
    const ready = this.waiters.filter((w) => w.pred(value));
    this.waiters = this.waiters.filter((w) => !w.pred(value));
    for (const w of ready) w.resolve(at);
  }

  /** When a matching value arrived (possibly already, which may be before the caller's t0). */
  until(pred: (v: T) => boolean, timeoutMs: number, what: string): Promise<number> {
    if (this.value !== undefined && pred(this.value)) return Promise.resolve(this.at);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== entry);
        reject(new Error(`${what}: not seen within ${timeoutMs} ms (last value ${String(this.value)})`));
      }, timeoutMs);
      const entry = {
        pred,
        resolve: (at: number) => {
          clearTimeout(timer);
          resolve(at);
        },
      };
      this.waiters.push(entry);
    });
  }
}

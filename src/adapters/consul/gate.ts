/**
 * Open or closed; `wait` resolves when open. The catalog watch of a
 * datacenter closes its gate when Consul stops answering and opens it when
 * Consul answers again, so per-service watches do not all keep retrying
 * against a Consul that is down: they wait here and resync together after.
 */
export class Gate {
  private isOpen = true;
  private waiters: (() => void)[] = [];

  get open(): boolean {
    return this.isOpen;
  }

  close(): void {
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
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      };
      const onAbort = (): void => {
        this.waiters = this.waiters.filter((w) => w !== onOpen);
        resolve(false);
      };
      this.waiters.push(onOpen);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

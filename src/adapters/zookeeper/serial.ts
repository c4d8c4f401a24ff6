/**
 * Runs at most one read per key at a time. A read asked for while one runs
 * makes that one run again once it ends (all callers then wait for the
 * re-run), so a burst of watch events on one znode costs two reads, not one
 * per event, and nothing read after the event is missed.
 */
export class KeyedSerial {
  private readonly running = new Map<
    string,
    { again: boolean; fn: () => Promise<void>; done: Promise<void> }
  >();

  get size(): number {
    return this.running.size;
  }

  run(key: string, fn: () => Promise<void>): Promise<void> {
    const entry = this.running.get(key);
    if (entry !== undefined) {
      entry.again = true;
      entry.fn = fn;
      return entry.done;
    }
    const fresh = { again: false, fn, done: Promise.resolve() };
    fresh.done = (async () => {
      try {
        do {
          fresh.again = false;
          await fresh.fn();
        } while (fresh.again);
      } finally {
        this.running.delete(key);
      }
    })();
    this.running.set(key, fresh);
    return fresh.done;
  }
}

import type { RegistrySink } from '../../src/adapters/adapter.js';
import type { RegistryService } from '../../src/model/registry.js';

export type SinkCall =
  | { readonly op: 'upsert'; readonly at: number; readonly service: RegistryService }
  | { readonly op: 'remove'; readonly at: number; readonly id: string }
  | { readonly op: 'replaceAll'; readonly at: number; readonly services: readonly RegistryService[] }
  | { readonly op: 'synced'; readonly at: number }
  | { readonly op: 'stale'; readonly at: number; readonly stale: boolean; readonly error?: Error }
  | { readonly op: 'badInput'; readonly at: number; readonly what: string; readonly detail: string };

/** A RegistrySink that records every call and lets a test await a condition. */
export class RecordingSink implements RegistrySink {
  readonly calls: SinkCall[] = [];
  readonly services = new Map<string, RegistryService>();
  isSynced = false;
  /** What the sink held when `synced()` was first called. */
  servicesAtFirstSync: ReadonlyMap<string, RegistryService> | undefined;
  isStale = false;
  lastError: Error | undefined;
  /**
   * Upserts that changed what the sink holds. The real sink (the pipeline)
   * drops a re-sent unchanged service; adapters need not, so tests that mean
   * "nothing changed" count these.
   */
  changedUpserts = 0;
  private waiters: (() => void)[] = [];

  upsert(service: RegistryService): void {
    const held = this.services.get(service.id);
    if (held === undefined || JSON.stringify(held) !== JSON.stringify(service)) this.changedUpserts++;
    this.services.set(service.id, service);
    this.record({ op: 'upsert', at: Date.now(), service });
  }

  remove(id: string): void {
    this.services.delete(id);
    this.record({ op: 'remove', at: Date.now(), id });
  }

  replaceAll(services: readonly RegistryService[]): void {
    this.services.clear();
    for (const s of services) this.services.set(s.id, s);
    this.record({ op: 'replaceAll', at: Date.now(), services });
  }

  synced(): void {
    this.isSynced = true;
    this.servicesAtFirstSync ??= new Map(this.services);
    this.record({ op: 'synced', at: Date.now() });
  }

  setStale(stale: boolean, error?: Error): void {
    this.isStale = stale;
    if (error) this.lastError = error;
    this.record({ op: 'stale', at: Date.now(), stale, error });
  }

  reportBadInput(what: string, detail: string): void {
    this.record({ op: 'badInput', at: Date.now(), what, detail });
  }

  count(op: SinkCall['op']): number {
    return this.calls.filter((c) => c.op === op).length;
  }

  removedIds(since = 0): string[] {
    return this.calls.flatMap((c) => (c.op === 'remove' && c.at >= since ? [c.id] : []));
  }

  healthyCount(id: string): number {
    return this.services.get(id)?.instances.filter((i) => i.healthy).length ?? -1;
  }

  /** Resolves when `predicate` holds (checked after every call); rejects after `timeoutMs`. */
  async waitFor(what: string, predicate: () => boolean, timeoutMs = 15_000): Promise<void> {
    if (predicate()) return;
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for: ${what}\n${this.describe()}`));
      }, timeoutMs);
      this.waiters.push(check);
    });
  }

  describe(): string {
    const tail = this.calls.slice(-8).map((c) => {
      if (c.op === 'upsert') return `upsert ${c.service.id} (${c.service.instances.length} instances)`;
      if (c.op === 'remove') return `remove ${c.id}`;
      if (c.op === 'stale') return `stale ${c.stale} ${c.error?.message ?? ''}`;
      if (c.op === 'badInput') return `badInput ${c.what}: ${c.detail}`;
      return c.op;
    });
    return `services: ${[...this.services.keys()].sort().join(', ')}\nlast calls:\n  ${tail.join('\n  ')}`;
  }

  private record(call: SinkCall): void {
    this.calls.push(call);
    for (const w of [...this.waiters]) w();
  }
}

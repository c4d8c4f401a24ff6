/** Kit: sends services to the sink with the empty-service grace period. */
import type { RegistryService } from '../../model/registry.js';
import type { RegistrySink } from '../adapter.js';

interface Entry {
  /** Still listed by the registry (and selected). */
  present: boolean;
  /** Removed from the sink after the grace period while still listed (all unhealthy). */
  gone: boolean;
  timer: NodeJS.Timeout | undefined;
  /** The last form sent that had instances: its ports are kept through the grace period. */
  last: RegistryService | undefined;
}

/**
 * A service with no instances left keeps its last instances, all unhealthy,
 * during the grace period: istiod sees the endpoints go, but the ports (and
 * so the ServiceEntry's shape) stay, which keeps it on the endpoint-only path.
 */
function withoutEndpoints(service: RegistryService, last: RegistryService | undefined): RegistryService {
  if (service.instances.length > 0 || last === undefined) return service;
  return { ...service, instances: last.instances.map((i) => ({ ...i, healthy: false })) };
}

export interface EmitterOptions {
  readonly sink: RegistrySink;
  readonly graceMs: number;
  /** While true for an id (its registry state is unknown, e.g. unreachable) it is not removed; its grace period starts over. */
  readonly isPaused: (id: string) => boolean;
}

/**
 * Sends services to the sink with the empty-service grace rule: a service
 * with no healthy instance (all unhealthy, or its last instance left) is
 * first sent as it is, with zero healthy instances, and removed only when it
 * stays that way for the grace period. Whether a re-sent service changed is
 * decided once, by the sink (the pipeline), not here.
 */
export class ServiceEmitter {
  private readonly entries = new Map<string, Entry>();
  private stopped = false;

  constructor(private readonly o: EmitterOptions) {}

  /** Whether the sink currently holds (or held until a grace removal) this id. */
  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** Ids with a grace timer running (for stats and tests). */
  get pendingRemovals(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.timer !== undefined) n++;
    return n;
  }

  /** The latest state of a service the registry lists; `healthyCount` of its instances are healthy. */
  update(service: RegistryService, healthyCount: number): void {
    if (this.stopped) return;
    let e = this.entries.get(service.id);
    if (e === undefined) {
      e = { present: true, gone: false, timer: undefined, last: undefined };
      this.entries.set(service.id, e);
    }
    e.present = true;
    if (healthyCount > 0) {
      this.clearTimer(e);
      e.gone = false;
      this.send(e, service);
      return;
    }
    if (e.gone) return; // stays removed until an instance is healthy again
    this.send(e, withoutEndpoints(service, e.last));
    this.armTimer(service.id, e);
  }

  /** The service is no longer listed; `empty` is its form with no instances. */
  vanish(empty: RegistryService): void {
    if (this.stopped) return;
    const e = this.entries.get(empty.id);
    if (e === undefined) return;
    e.present = false;
    if (e.gone) {
      this.entries.delete(empty.id);
      return;
    }
    this.send(e, withoutEndpoints(empty, e.last));
    this.armTimer(empty.id, e);
  }

  stop(): void {
    this.stopped = true;
    for (const e of this.entries.values()) this.clearTimer(e);
  }

  private send(e: Entry, service: RegistryService): void {
    if (service.instances.length > 0) e.last = service;
    this.o.sink.upsert(service);
  }

  private armTimer(id: string, e: Entry): void {
    if (e.timer !== undefined) return;
    e.timer = setTimeout(() => this.expire(id, e), this.o.graceMs);
  }

  private clearTimer(e: Entry): void {
    if (e.timer === undefined) return;
    clearTimeout(e.timer);
    e.timer = undefined;
  }

  private expire(id: string, e: Entry): void {
    e.timer = undefined;
    if (this.stopped || this.entries.get(id) !== e) return;
    if (this.o.isPaused(id)) {
      this.armTimer(id, e);
      return;
    }
    this.o.sink.remove(id);
    e.last = undefined;
    if (e.present) {
      e.gone = true;
    } else {
      this.entries.delete(id);
    }
  }
}

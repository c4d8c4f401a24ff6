import type { RegistryIdentity } from '../adapters/definition.js';
import { warning, type ConvertWarning } from '../convert/warnings.js';
import type { IstioResource } from '../model/istio.js';
import type { RegistryService } from '../model/registry.js';
import type { DeletionGuard } from './deletion-guard.js';

export interface ServiceState {
  readonly ownerId: string;
  readonly serviceId: string;
  readonly name: string;
  /** store key (`Kind|ns/name`) -> resource this service wants served. */
  resources: Map<string, IstioResource>;
  /**
   * The service as last converted, to skip unchanged re-sends: the very
   * object (a sink never sees a sent service change), and its JSON once a
   * different object for the same id had to be compared with it.
   */
  source: RegistryService | undefined;
  input: string | undefined;
  /** Conversion warnings of the last update. */
  warnings: ConvertWarning[];
  /** store key -> owner id whose resource is served instead of this service's. */
  conflicts: Map<string, string>;
  instances: number;
  /** Hosts of its ServiceEntries. */
  hosts: string[];
  /** It has at least one healthy instance (what the mass-deletion guard protects). */
  live: boolean;
}

/** Conversion warnings plus one NAME_CONFLICT per resource this service loses to another. */
export function serviceWarnings(svc: ServiceState): ConvertWarning[] {
  const out = [...svc.warnings];
  for (const [key, winner] of [...svc.conflicts.entries()].sort()) {
    out.push(
      warning(
        'NAME_CONFLICT',
        `resource ${key} is also produced by ${winner}; that one is served and this one is not`,
      ),
    );
  }
  return out;
}

/** Everything the pipeline knows about one configured registry. */
export class RegistryState {
  readonly services = new Map<string, ServiceState>();
  synced = false;
  /** The adapter reports the registry unreachable. */
  adapterStale = false;
  staleSince: number | undefined;
  lastError: string | undefined;
  lastErrorCode: string | undefined;
  lastChangeAt: number | undefined;
  syncedAt: number | undefined;
  badInput = 0;
  /** Mass-deletion holds started so far. */
  holds = 0;
  /** Bumped when an adapter is replaced (reload): calls from an older sink are ignored. */
  generation = 0;
  /** Set by the pipeline right after construction. */
  guard!: DeletionGuard;

  constructor(
    readonly identity: RegistryIdentity,
    readonly order: number,
  ) {}

  /** Stale: unreachable, or deletions held by the mass-deletion guard. */
  get stale(): boolean {
    return this.adapterStale || this.guard.holding;
  }

  ownerId(serviceId: string): string {
    return `${String(this.order).padStart(4, '0')}/${this.identity.name}/${serviceId}`;
  }

  state(): 'starting' | 'synced' | 'stale' {
    if (this.stale) return 'stale';
    return this.synced ? 'synced' : 'starting';
  }
}

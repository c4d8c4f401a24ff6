import type { RegistryIdentity } from '../adapters/definition.js';
import type { ConvertWarning } from '../convert/warnings.js';
import type { IstioResource } from '../model/istio.js';

export interface ServiceState {
  readonly ownerId: string;
  readonly serviceId: string;
  readonly name: string;
  /** store key (`Kind|ns/name`) -> resource this service wants served. */
  resources: Map<string, IstioResource>;
  warnings: ConvertWarning[];
  instances: number;
}

/** Everything the pipeline knows about one configured registry. */
export class RegistryState {
  readonly services = new Map<string, ServiceState>();
  synced = false;
  stale = false;
  staleSince: number | undefined;
  lastError: string | undefined;
  lastErrorCode: string | undefined;
  lastChangeAt: number | undefined;
  syncedAt: number | undefined;
  badInput = 0;

  constructor(
    readonly identity: RegistryIdentity,
    readonly order: number,
  ) {}

  ownerId(serviceId: string): string {
    return `${String(this.order).padStart(4, '0')}/${this.identity.name}/${serviceId}`;
  }

  state(): 'starting' | 'synced' | 'stale' {
    if (this.stale) return 'stale';
    return this.synced ? 'synced' : 'starting';
  }
}

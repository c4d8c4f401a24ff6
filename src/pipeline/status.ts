import type { ConvertWarning } from '../convert/warnings.js';
import { type RegistryState, serviceWarnings } from './registry-state.js';

/** What /debug/registries and /readyz show of one registry: plain data, a copy. */
export interface RegistryStatus {
  readonly name: string;
  readonly type: string;
  readonly namespace: string;
  readonly state: 'starting' | 'synced' | 'stale';
  readonly synced: boolean;
  readonly services: number;
  readonly syncedAt: string | undefined;
  readonly staleSince: string | undefined;
  readonly lastChangeAt: string | undefined;
  readonly lastError: string | undefined;
  readonly lastErrorCode: string | undefined;
  readonly badInput: number;
  /** Deletions held back by the mass-deletion guard, and since when (docs/mass-deletion.md). */
  readonly deletionsHeld: number;
  readonly holdingSince: string | undefined;
  readonly massDeletionHolds: number;
  readonly warnings: readonly { readonly service: string; readonly warnings: readonly ConvertWarning[] }[];
}

/** Services with warnings listed per registry, at most this many (the rest are counted in metrics). */
const MAX_WARNED_SERVICES = 500;

const iso = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : new Date(ms).toISOString();

export function registryStatus(r: RegistryState): RegistryStatus {
  const warned = [];
  for (const s of r.services.values()) {
    if (warned.length >= MAX_WARNED_SERVICES) break;
    if (s.warnings.length > 0 || s.conflicts.size > 0) {
      warned.push({ service: s.name, warnings: serviceWarnings(s) });
    }
  }
  return {
    name: r.identity.name,
    type: r.identity.type,
    namespace: r.identity.namespace,
    state: r.state(),
    synced: r.synced,
    services: r.services.size,
    syncedAt: iso(r.syncedAt),
    staleSince: iso(r.staleSince),
    lastChangeAt: iso(r.lastChangeAt),
    lastError: r.lastError,
    lastErrorCode: r.lastErrorCode,
    badInput: r.badInput,
    deletionsHeld: r.guard.held,
    holdingSince: iso(r.guard.holdingSince),
    massDeletionHolds: r.holds,
    warnings: warned,
  };
}

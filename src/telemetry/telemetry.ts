/**
 * What the bridge records, in its own terms. The pipeline and the xDS server
 * record into this interface; they never see the metrics library. The admin
 * server reads a rendered snapshot (see MetricsSnapshot). Labels passed in are
 * already bounded by the caller (type URLs through typeUrlLabel, registry
 * names from the config).
 */
export type XdsMode = 'sotw' | 'delta';

export interface RegistryLabels {
  readonly registry: string;
  readonly type: string;
}

export interface Telemetry {
  xdsRequest(typeUrl: string, mode: XdsMode, outcome: string): void;
  xdsNack(typeUrl: string, mode: XdsMode): void;
  /** A response written; `latencySeconds` from the change that caused it, when there was one. */
  xdsPush(typeUrl: string, mode: XdsMode, bytes: number, latencySeconds: number | undefined): void;
  xdsClients(mode: XdsMode, delta: 1 | -1): void;
  /** A stream refused or ended for going over a limit (`reason`: a fixed word, e.g. peer_limit). */
  xdsStreamRejected(reason: string): void;
  /**
   * Where to read, at scrape time, the age in seconds of the oldest response
   * sent and not yet ACKed or NACKed, per mode (0 when none is waiting).
   */
  xdsOldestUnackedSource(read: (mode: XdsMode) => number): void;
  resourceCount(kind: string, count: number): void;
  resourceUpdates(kind: string, op: 'upsert' | 'delete', count: number): void;
  registryAttached(r: RegistryLabels): void;
  registrySynced(r: RegistryLabels): void;
  /** Stale since `sinceMs` (epoch ms), or reachable again (undefined). */
  registryStale(r: RegistryLabels, sinceMs: number | undefined): void;
  registryError(r: RegistryLabels): void;
  registryServices(r: RegistryLabels, count: number): void;
  registryBadInput(r: RegistryLabels): void;
  /** The registry was removed (a reload): its series go. */
  registryDetached(r: RegistryLabels): void;
  /** Deletions the mass-deletion guard holds back now. */
  registryDeletionsHeld(r: RegistryLabels, count: number): void;
  /** The mass-deletion guard began a hold. */
  registryMassDeletionHold(r: RegistryLabels): void;
  /** Hosts served by more than one registry. */
  hostConflicts(count: number): void;
  /** A configuration reload (SIGHUP) finished with this outcome. */
  configReload(outcome: 'applied' | 'rejected' | 'unchanged'): void;
  convertWarning(registry: string, code: string): void;
}

/** Read side for the admin server: the metrics as exposition text. */
export interface MetricsSnapshot {
  readonly contentType: string;
  render(): Promise<string>;
}

/** Records nothing: for tools and tests that have no metrics endpoint. */
export const noTelemetry: Telemetry = {
  xdsRequest: () => undefined,
  xdsNack: () => undefined,
  xdsPush: () => undefined,
  xdsClients: () => undefined,
  xdsStreamRejected: () => undefined,
  xdsOldestUnackedSource: () => undefined,
  resourceCount: () => undefined,
  resourceUpdates: () => undefined,
  registryAttached: () => undefined,
  registrySynced: () => undefined,
  registryStale: () => undefined,
  registryError: () => undefined,
  registryServices: () => undefined,
  registryBadInput: () => undefined,
  registryDetached: () => undefined,
  registryDeletionsHeld: () => undefined,
  registryMassDeletionHold: () => undefined,
  hostConflicts: () => undefined,
  configReload: () => undefined,
  convertWarning: () => undefined,
};

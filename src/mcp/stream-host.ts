import type { Logger } from 'pino';
import type { Metrics } from '../admin/metrics.js';
import type { ResourceStore } from '../store/resource-store.js';

/** What a stream needs from the server around it. */
export interface StreamHost {
  readonly store: ResourceStore;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** False until every registry finished its first sync; ServiceEntry/WorkloadEntry wait for it. */
  gateOpen(): boolean;
}

/** Per type URL, what /debug/clients shows. */
export interface WatchInfo {
  readonly typeUrl: string;
  readonly lastSentVersion: string | undefined;
  readonly lastAckedVersion: string | undefined;
  readonly lastNonce: string | undefined;
  readonly nackCount: number;
  readonly lastNack: string | undefined;
  readonly waitingForSync: boolean;
  readonly resources?: number;
}

export interface ClientInfo {
  readonly id: number;
  readonly mode: 'sotw' | 'delta';
  readonly nodeId: string | undefined;
  readonly peer: string;
  readonly connectedAt: string;
  readonly watches: readonly WatchInfo[];
}

export const EMPTY_VERSION = '00000000000000000000000000000000';

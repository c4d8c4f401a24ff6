import type { Logger } from 'pino';
import type { StoreView } from '../store/view.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import type { WriteBudget } from './write-budget.js';
import type { XdsLimits } from './limits.js';

/** What a stream needs from the server around it. */
export interface StreamHost {
  /** The only thing the server knows of the registry side. Served kinds wait for `isComplete()`. */
  readonly store: StoreView;
  readonly telemetry: Telemetry;
  readonly logger: Logger;
  /** Shared by every stream of a server: bounds large responses not yet written. */
  readonly writeBudget?: WriteBudget;
  readonly limits: XdsLimits;
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

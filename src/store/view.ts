import type { SotwBody } from '../codec/responses.js';
import type { IstioResource, ResourceKind } from '../model/istio.js';

/** One stored resource as readers see it. */
export interface StoredResource {
  readonly key: string;
  readonly resource: IstioResource;
  /** Content hash of the encoded resource (its `metadata.version`). */
  readonly version: string;
}

export interface KindChange {
  readonly kind: ResourceKind;
  /** Keys added or whose version changed. */
  readonly changed: readonly string[];
  /** Keys that no longer exist. */
  readonly removed: readonly string[];
}

/** Read access to the resources of one kind, already encoded for the wire. */
export interface KindView {
  readonly kind: ResourceKind;
  readonly size: number;
  /** Derived from the set of (name, version): equal on every replica fed the same registries. */
  version(): string;
  /** Keys in sorted order. */
  keys(): readonly string[];
  get(key: string): StoredResource | undefined;
  /** Every resource as the repeated `resources` field of a SotW response, sorted by name. */
  sotwBody(): SotwBody;
  /** The envoy Resource message of one key, for Delta responses. */
  deltaMessage(key: string): Buffer | undefined;
}

/**
 * The seam between the registry side and the protocol side: the xDS server,
 * the admin views and `dump` read the store only through this interface.
 */
export interface StoreView {
  kind(kind: ResourceKind): KindView;
  /** Called after every apply that changed something (never for no-ops). */
  onChange(listener: (change: KindChange) => void): void;
  /**
   * True once the registry side declared its content complete (every
   * registry finished its first sync). Served kinds are withheld until then,
   * so a client never sees a partial state it would take as the whole.
   */
  isComplete(): boolean;
  onComplete(listener: () => void): void;
}

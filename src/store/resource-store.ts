import type { ResourceKind } from '../model/istio.js';
import type { EncodedResource } from '../mcp/encode.js';
import { SERVED_KINDS } from '../mcp/type-urls.js';
import { KindStore, type KindChange } from './kind-store.js';

export type ChangeListener = (change: KindChange) => void;

/** One KindStore per served kind, and change notification for the server. */
export class ResourceStore {
  private readonly kinds = new Map<ResourceKind, KindStore>(SERVED_KINDS.map((k) => [k, new KindStore(k)]));
  private readonly listeners: ChangeListener[] = [];

  kind(kind: ResourceKind): KindStore {
    return this.kinds.get(kind)!;
  }

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  /** Applies upserts and removals of one kind; listeners hear only real changes. */
  apply(kind: ResourceKind, upserts: readonly EncodedResource[], removes: readonly string[]): KindChange {
    const change = this.kind(kind).apply(upserts, removes);
    if (change.changed.length > 0 || change.removed.length > 0) {
      for (const l of this.listeners) l(change);
    }
    return change;
  }
}

import { SERVED_KINDS } from '../codec/kinds.js';
import type { IstioResource, ResourceKind } from '../model/istio.js';
import { KindStore } from './kind-store.js';
import type { KindChange, StoreView } from './view.js';

export type ChangeListener = (change: KindChange) => void;

/**
 * One KindStore per served kind. The registry side writes (`apply`,
 * `markComplete`); the protocol side reads through StoreView.
 */
export class ResourceStore implements StoreView {
  private readonly kinds = new Map<ResourceKind, KindStore>(SERVED_KINDS.map((k) => [k, new KindStore(k)]));
  private readonly listeners: ChangeListener[] = [];
  private readonly completeListeners: (() => void)[] = [];
  private complete = false;

  kind(kind: ResourceKind): KindStore {
    return this.kinds.get(kind)!;
  }

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  /** Encodes and applies upserts and removals of one kind; listeners hear only real changes. */
  apply(kind: ResourceKind, upserts: readonly IstioResource[], removes: readonly string[]): KindChange {
    const change = this.kind(kind).apply(upserts, removes);
    if (change.changed.length > 0 || change.removed.length > 0) {
      for (const l of this.listeners) l(change);
    }
    return change;
  }

  isComplete(): boolean {
    return this.complete;
  }

  onComplete(listener: () => void): void {
    if (this.complete) listener();
    else this.completeListeners.push(listener);
  }

  /** The registry side holds everything it will ever call a first sync; idempotent. */
  markComplete(): void {
    if (this.complete) return;
    this.complete = true;
    for (const l of this.completeListeners.splice(0)) l();
  }
}

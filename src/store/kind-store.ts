import type { ResourceKind } from '../model/istio.js';
import { encodeDeltaResource, type EncodedResource } from '../mcp/encode.js';
import { SetHash } from './set-hash.js';
import { SortedKeys } from './sorted-keys.js';

export interface KindChange {
  readonly kind: ResourceKind;
  /** Keys added or whose version changed. */
  readonly changed: readonly string[];
  /** Keys that no longer exist. */
  readonly removed: readonly string[];
}

/** The repeated `resources` fields of a SotW response, in name order, not yet copied together. */
export interface SotwBody {
  readonly parts: readonly Buffer[];
  readonly length: number;
}

interface Entry {
  readonly encoded: EncodedResource;
  /** envoy Resource message for Delta, built on first use. */
  deltaMessage?: Buffer;
}

/**
 * All resources of one kind, pre-encoded. `apply` diffs by version, so an
 * unchanged resource costs a map lookup and is never reported as changed.
 */
export class KindStore {
  private readonly entries = new Map<string, Entry>();
  private readonly order = new SortedKeys();
  private readonly hash = new SetHash();
  private body: SotwBody | undefined;

  constructor(readonly kind: ResourceKind) {}

  apply(upserts: readonly EncodedResource[], removes: readonly string[]): KindChange {
    const changed: string[] = [];
    const removed: string[] = [];
    for (const r of upserts) {
      const old = this.entries.get(r.key);
      if (old?.encoded.version === r.version) continue;
      if (old) this.hash.toggle(r.key, old.encoded.version);
      else this.order.add(r.key);
      this.hash.toggle(r.key, r.version);
      this.entries.set(r.key, { encoded: r });
      changed.push(r.key);
    }
    for (const key of removes) {
      const old = this.entries.get(key);
      if (!old) continue;
      this.hash.toggle(key, old.encoded.version);
      this.entries.delete(key);
      this.order.delete(key);
      removed.push(key);
    }
    if (changed.length > 0 || removed.length > 0) this.body = undefined;
    return { kind: this.kind, changed, removed };
  }

  get(key: string): EncodedResource | undefined {
    return this.entries.get(key)?.encoded;
  }

  /** Keys in sorted order. */
  keys(): readonly string[] {
    return this.order.values();
  }

  get size(): number {
    return this.entries.size;
  }

  /** Derived from the set of (name, version): equal on every replica fed the same registries. */
  version(): string {
    return this.hash.hex();
  }

  /**
   * Every resource as repeated `resources` fields of a SotW response, sorted
   * by name; cached until a change. The parts are copied once, straight into
   * each response, never concatenated on their own.
   */
  sotwBody(): SotwBody {
    if (this.body) return this.body;
    const parts: Buffer[] = [];
    let length = 0;
    for (const key of this.order.values()) {
      const e = this.entries.get(key)!;
      parts.push(e.encoded.sotwField);
      length += e.encoded.sotwField.length;
    }
    this.body = { parts, length };
    return this.body;
  }

  /** The envoy Resource message of one key for Delta responses. */
  deltaMessage(key: string): Buffer | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    e.deltaMessage ??= encodeDeltaResource(e.encoded);
    return e.deltaMessage;
  }
}

import { encodeDeltaResource, encodeResource, type EncodedResource } from '../codec/resource-codec.js';
import { SotwBody } from '../codec/responses.js';
import { joinSlabs, type Slab } from '../codec/slabs.js';
import type { IstioResource, ResourceKind } from '../model/istio.js';
import type { KindChange, KindView } from './view.js';
import { SetHash } from './set-hash.js';
import { SortedKeys } from './sorted-keys.js';

interface Entry {
  readonly encoded: EncodedResource;
  /** envoy Resource message for Delta, built on first use. */
  deltaMessage?: Buffer;
}

/**
 * All resources of one kind, encoded once on the way in. `apply` diffs by
 * version (a content hash), so an unchanged resource is never reported as
 * changed and never re-sent.
 */
export class KindStore implements KindView {
  private readonly entries = new Map<string, Entry>();
  private readonly order = new SortedKeys();
  private readonly hash = new SetHash();
  private body: SotwBody | undefined;
  /** The slabs of the last body built, reused by the next where unchanged. */
  private slabs: readonly Slab[] = [];
  /**
   * Every key's SotW field in `order`'s order, as the last body was built
   * from; undefined once a key was added or removed since.
   */
  private fields: Buffer[] | undefined;
  /** Keys whose resource changed since the last body (while `fields` is kept). */
  private readonly stale = new Set<string>();

  constructor(readonly kind: ResourceKind) {}

  apply(upserts: readonly IstioResource[], removes: readonly string[]): KindChange {
    const changed: string[] = [];
    const removed: string[] = [];
    for (const resource of upserts) {
      const r = encodeResource(resource);
      const old = this.entries.get(r.key);
      if (old?.encoded.version === r.version) continue;
      if (old) {
        this.hash.toggle(r.key, old.encoded.version);
        if (this.fields) this.stale.add(r.key);
      } else {
        this.order.add(r.key);
        this.fields = undefined;
      }
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
      this.fields = undefined;
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
   * by name, joined into slabs (codec/slabs.ts); cached until a change, so
   * every client's response shares it. After a change only the slabs around
   * the changed resources are joined again, and only the changed resources
   * are looked up (at 30,000 resources looking up every one took about 9 ms
   * of each push).
   */
  sotwBody(): SotwBody {
    if (this.body) return this.body;
    const keys = this.order.values();
    const fields = this.currentFields(keys);
    const before = new Set(this.slabs);
    this.slabs = joinSlabs(keys, fields, this.slabs);
    let length = 0;
    let at = 0;
    for (const s of this.slabs) {
      length += s.bytes.length;
      if (!before.has(s)) this.moveInto(s, keys, at);
      at += s.fields.length;
    }
    this.body = new SotwBody(
      this.slabs.map((s) => s.bytes),
      length,
    );
    return this.body;
  }

  /** Each key's SotW field, in order: the last body's list with the changed ones replaced. */
  private currentFields(keys: readonly string[]): Buffer[] {
    if (this.fields === undefined) {
      this.fields = keys.map((key) => this.entries.get(key)!.encoded.sotwField);
    } else {
      for (const key of this.stale)
        this.fields[this.order.indexOf(key)] = this.entries.get(key)!.encoded.sotwField;
    }
    this.stale.clear();
    return this.fields;
  }

  /**
   * Points the entries a new slab joined at their bytes inside it, so each
   * resource's bytes are held once (in its slab), and the next join finds them
   * unchanged by identity.
   */
  private moveInto(slab: Slab, keys: readonly string[], at: number): void {
    slab.fields.forEach((field, j) => {
      const e = this.entries.get(keys[at + j]!)!;
      const old = e.encoded;
      if (old.sotwField === field) return;
      this.fields![at + j] = field;
      const encoded: EncodedResource = {
        ...old,
        sotwField: field,
        any: field.subarray(field.length - old.any.length),
      };
      this.entries.set(old.key, { encoded, ...(e.deltaMessage && { deltaMessage: e.deltaMessage }) });
    });
  }

  /** The envoy Resource message of one key for Delta responses. */
  deltaMessage(key: string): Buffer | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    e.deltaMessage ??= encodeDeltaResource(e.encoded);
    return e.deltaMessage;
  }
}

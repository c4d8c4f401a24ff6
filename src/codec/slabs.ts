/**
 * A SotW body as a few large buffers ("slabs") instead of one small buffer per
 * resource: writing 10,000 separate ~1 KB parts to an HTTP/2 stream costs far
 * more CPU than writing the same bytes as ~50 slabs. Slabs are built once per
 * kind version and shared by every client's response; a new version reuses
 * every slab whose run of resources did not change, so one changed resource
 * copies about one slab (SLAB_BYTES to twice that), not the whole body.
 */

/**
 * A slab's target size: a new slab closes at the first old boundary once it
 * has this many bytes (or at twice this); an old slab under a quarter of it
 * (the last one: under all of it) is not reused but joined again with what
 * follows.
 */
export const SLAB_BYTES = 128 * 1024;

export interface Slab {
  /** The key of the slab's first resource. */
  readonly first: string;
  /**
   * The resources' bytes it joins, in order: views into `bytes` (or, for a
   * slab of one resource, that resource's own buffer). The caller keeps these
   * very objects as its resources' bytes, so the next join recognises an
   * unchanged run by identity and the resources' first buffers can be freed.
   */
  readonly fields: readonly Buffer[];
  /** The joined bytes. */
  readonly bytes: Buffer;
}

/**
 * Joins `fields` (one per key of `keys`, both in the body's order) into slabs,
 * reusing each slab of `previous` (the slabs of the version before) whose
 * resources are still there, in the same order, as the same objects (its
 * `fields`). A new slab closes once it holds `target` bytes and the next key
 * began a slab before (so the runs after a change line up with old slabs
 * again), or at twice `target`. Pure: the same input gives the same bytes;
 * `previous` only decides what is copied.
 */
export function joinSlabs(
  keys: readonly string[],
  fields: readonly Uint8Array[],
  previous: readonly Slab[],
  target = SLAB_BYTES,
): Slab[] {
  if (keys.length !== fields.length)
    throw new Error(`joinSlabs: ${keys.length} keys, ${fields.length} fields`);
  const n = keys.length;
  let i = 0;
  const oldByFirst = new Map<string, Slab>();
  for (const s of previous) oldByFirst.set(s.first, s);
  const last = previous.at(-1);
  // A small slab is joined again with what follows rather than kept: the old
  // last one while under `target` and no longer last (else keys added one by
  // one after it would each stay a slab of their own), any other under a
  // quarter of `target`.
  const tooSmall = (old: Slab, at: number): boolean =>
    old === last ? old.bytes.length < target && at + old.fields.length < n : old.bytes.length < target / 4;
  const out: Slab[] = [];
  while (i < n) {
    const old = oldByFirst.get(keys[i]!);
    if (old && !tooSmall(old, i) && sameRun(old.fields, fields, i)) {
      out.push(old);
      i += old.fields.length;
      continue;
    }
    const start = i;
    let size = 0;
    do {
      size += fields[i]!.length;
      i++;
    } while (
      i < n &&
      size < 2 * target &&
      (size < target || (oldByFirst.size > 0 && !oldByFirst.has(keys[i]!)))
    );
    out.push(newSlab(keys[start]!, fields.slice(start, i), size));
  }
  return out;
}

function sameRun(run: readonly Uint8Array[], fields: readonly Uint8Array[], at: number): boolean {
  if (run.length > fields.length - at) return false;
  for (let j = 0; j < run.length; j++) if (run[j] !== fields[at + j]) return false;
  return true;
}

function newSlab(first: string, fields: readonly Uint8Array[], size: number): Slab {
  // A single resource with a buffer of its own is used as it is (a view into
  // an older slab is copied, so that slab can be freed).
  const only = fields.length === 1 ? fields[0]! : undefined;
  if (only && Buffer.isBuffer(only) && only.byteLength === only.buffer.byteLength)
    return { first, fields: [only], bytes: only };
  const bytes = Buffer.allocUnsafeSlow(size);
  const views: Buffer[] = [];
  let off = 0;
  for (const f of fields) {
    bytes.set(f, off);
    views.push(bytes.subarray(off, off + f.length));
    off += f.length;
  }
  return { first, fields: views, bytes };
}

/**
 * Cuts a new version of a registry file from the last cut, without scanning
 * what did not change: the bytes both versions share at the start and at the
 * end are found by comparing them natively, and only the lines between the
 * pieces around the change are looked at again. An edit of one service in a
 * large file then costs a comparison of the bytes and one piece, not a scan of
 * every line and a string per piece.
 *
 * It only reuses pieces when the change lies strictly inside the list, after
 * the first piece's dash line and before the last piece; anything else (the
 * first or last item touched, the rest of the document changed, a line in the
 * changed part that would end the list or cannot be cut) returns `undefined`,
 * and the caller cuts the whole file again.
 */
import {
  byteChunk,
  indentAt,
  isItemStart,
  unsafeLineAt,
  type ByteCut,
  type ServiceChunk,
  type SplitFile,
} from './split.js';

/** What the last cut needs to be reused: its bytes (still as they were) and where its pieces lay. */
export interface LastCut {
  readonly bytes: Buffer;
  readonly cut: ByteCut;
  readonly rest: string;
}

/** Bytes compared per native call while looking for the first difference. */
const BLOCK = 64 * 1024;

/** Length of the longest common prefix of `a` and `b`. */
export function commonPrefix(a: Uint8Array, b: Uint8Array): number {
  const ba = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n) {
    const end = Math.min(n, i + BLOCK);
    if (ba.compare(b, i, end, i, end) !== 0) break;
    i = end;
  }
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/** Length of the longest common suffix of `a` and `b`, at most `limit`. */
export function commonSuffix(a: Uint8Array, b: Uint8Array, limit: number): number {
  const ba = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const max = Math.min(limit, a.length, b.length);
  let k = 0;
  while (k < max) {
    const len = Math.min(BLOCK, max - k);
    const ea = a.length - k;
    const eb = b.length - k;
    if (ba.compare(b, eb - len, eb, ea - len, ea) !== 0) break;
    k += len;
  }
  while (k < max && a[a.length - 1 - k] === b[b.length - 1 - k]) k++;
  return k;
}

/** Index of the first element of sorted `list` that is at least `v` (list.length when none). */
function lowerBound(list: readonly number[], v: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The cut of `next` made from `last`, or `undefined` when the whole file must
 * be cut again. Pieces before and after the change keep their text and are
 * marked `same` with the index of the last cut's piece they equal.
 */
export function recut(last: LastCut, next: Uint8Array): SplitFile | undefined {
  const a = last.bytes;
  const { starts, ends, lines, indent } = last.cut;
  const k = starts.length;
  if (k < 3) return undefined;
  const p = commonPrefix(a, next);
  const buf = Buffer.from(next.buffer, next.byteOffset, next.byteLength);
  if (p === a.length && p === next.length) {
    // Nothing changed: every piece as it was.
    const chunks = starts.map((start, i) => byteChunk(buf, start, ends[i]!, lines[i]!));
    return { rest: last.rest, chunks, cut: last.cut, same: starts.map((_, i) => i) };
  }
  const s = commonSuffix(a, next, Math.min(a.length, next.length) - p);
  // The first piece that the change may reach: the one holding byte p. The cut restarts one
  // piece earlier, whose dash line lies in the shared start, so that a piece the change
  // merges into its predecessor (its dash line edited away) is seen.
  const first = lowerBound(starts, p + 1) - 2;
  // The first piece whose line before it (its newline) is in the shared end: it and every
  // later one are unchanged, and so is where each begins.
  const after = lowerBound(starts, a.length - s + 1);
  if (first < 0 || after >= k || after <= first) return undefined;

  const delta = next.length - a.length;
  const from = starts[first]!;
  const to = starts[after]! + delta;
  const newStarts: number[] = [];
  const newLines: number[] = [];
  let line = lines[first]!;
  for (let at = from; at < to;) {
    if (unsafeLineAt(buf, at)) return undefined;
    const ind = indentAt(buf, at);
    if (ind >= 0 && ind <= indent) {
      // At the list's indent only an item may start; anything else would end the list.
      if (ind !== indent || !isItemStart(buf, at, indent)) return undefined;
      newStarts.push(at);
      newLines.push(line);
    }
    const nl = buf.indexOf(10, at);
    if (nl < 0 || nl >= to) return undefined; // the part re-cut ends with a newline: it is shared
    at = nl + 1;
    line++;
  }
  if (newStarts[0] !== from) return undefined;
  const lineDelta = line - lines[after]!;

  const chunks: ServiceChunk[] = [];
  const cut = { starts: [] as number[], ends: [] as number[], lines: [] as number[], indent };
  const same: (number | undefined)[] = [];
  const add = (start: number, end: number, at: number, was: number | undefined): void => {
    chunks.push(byteChunk(buf, start, end, at));
    cut.starts.push(start);
    cut.ends.push(end);
    cut.lines.push(at);
    same.push(was);
  };
  for (let i = 0; i < first; i++) add(starts[i]!, ends[i]!, lines[i]!, i);
  newStarts.forEach((start, j) => {
    const end = (j + 1 < newStarts.length ? newStarts[j + 1]! : to) - 1;
    add(start, end, newLines[j]!, undefined);
  });
  for (let i = after; i < k; i++) add(starts[i]! + delta, ends[i]! + delta, lines[i]! + lineDelta, i);
  return { rest: last.rest, chunks, cut, same };
}

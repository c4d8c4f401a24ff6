/**
 * Cuts a registry file written in the usual block layout into one piece of
 * text per service, so that a reload parses only the services whose text
 * changed and an error can name the line of its service.
 *
 *     services:
 *       - name: a        <- a piece starts at each dash at the list's indent
 *         instances: ...
 *       - name: b
 *
 * It only cuts where YAML itself cannot join two pieces: every line of an item
 * is indented more than the item's dash (comment and blank lines never cut).
 * Anything it does not recognise (flow style, document markers, directives,
 * tab indentation, a second `services` key) returns `undefined` and the caller
 * parses the whole document; so does any piece that fails to parse on its own.
 */

export interface ServiceChunk {
  /**
   * The item's text, from its dash to the line before the next item: a new
   * string on each read, made from the bytes only when asked (valid while the
   * bytes cut are unchanged). A reload that finds a piece unchanged then makes
   * one short-lived string for it, which dies young, instead of holding every
   * piece's text until the whole file is looked up (which V8 would promote,
   * leaving a file's worth of old-generation garbage per reload).
   */
  readonly text: string;
  /** 1-based line of the item's dash in the file. */
  readonly line: number;
}

/** A piece as a range of the cut bytes. */
class ByteChunk implements ServiceChunk {
  constructor(
    private readonly buf: Buffer,
    private readonly from: number,
    private readonly to: number,
    readonly line: number,
  ) {}

  get text(): string {
    return this.buf.toString('utf8', this.from, this.to);
  }
}

export interface SplitFile {
  /** The document without the items (`services:` left with no value), to check the rest of the file. */
  readonly rest: string;
  readonly chunks: readonly ServiceChunk[];
  /** Where the pieces lie in the bytes cut (a cut of bytes only), for the next read to start from. */
  readonly cut?: ByteCut;
  /**
   * For a cut made from the last one (src/adapters/file/recut.ts): for each piece, the index of
   * the last cut's piece with the very same bytes, where known.
   */
  readonly same?: readonly (number | undefined)[];
}

/** The pieces of a cut, as byte offsets into the bytes cut. */
export interface ByteCut {
  /** Offset of each piece's first byte (its dash's line). */
  readonly starts: readonly number[];
  /** Offset just past each piece's last byte (its newline left out). */
  readonly ends: readonly number[];
  /** 1-based line of each piece's first line. */
  readonly lines: readonly number[];
  /** Spaces before each item's dash. */
  readonly indent: number;
}

/** A piece of `buf` as a chunk whose text is made when asked. */
export function byteChunk(buf: Buffer, from: number, to: number, line: number): ServiceChunk {
  return new ByteChunk(buf, from, to, line);
}

const SERVICES_KEY = /^services:[ \t]*(#.*)?$/;

/** Spaces at `at`, then a dash followed by a space or the line's end. */
export function isItemStart(b: Uint8Array, at: number, indent: number): boolean {
  for (let i = 0; i < indent; i++) if (b[at + i] !== 32) return false;
  if (b[at + indent] !== 45 /* - */) return false;
  const next = b[at + indent + 1];
  return next === undefined || next === 32 || next === 10 || next === 13;
}

/** Spaces before the line's first other character; -1 for a blank or comment-only line. */
export function indentAt(b: Uint8Array, at: number): number {
  let i = at;
  while (b[i] === 32) i++;
  const c = b[i];
  if (c === undefined || c === 35 /* # */ || c === 10 || c === 13) return -1;
  return i - at;
}

function startsWith(b: Uint8Array, ascii: string, at: number): boolean {
  if (at + ascii.length > b.length) return false;
  for (let i = 0; i < ascii.length; i++) if (b[at + i] !== ascii.charCodeAt(i)) return false;
  return true;
}

/** Lines that would make a piece mean something else on its own (tab indent, directive, document marker). */
export function unsafeLineAt(b: Uint8Array, at: number): boolean {
  const c = b[at];
  if (c === 9 /* tab */ || c === 37 /* % */) return true;
  return (c === 45 || c === 46) && (startsWith(b, '---', at) || startsWith(b, '...', at));
}

/** Start offsets of every line (the native `indexOf` finds newlines several times faster than a byte loop). */
function lineStarts(b: Buffer): number[] {
  const starts = [0];
  const last = b.length - 1;
  for (let i = b.indexOf(10); i !== -1 && i < last; i = b.indexOf(10, i + 1)) starts.push(i + 1);
  return starts;
}

export function splitServices(text: string): SplitFile | undefined {
  return splitServicesBytes(Buffer.from(text, 'utf8'));
}

/**
 * The same cut of a file's UTF-8 bytes, never making one file-sized string:
 * each piece's text is a string of its own. Every character the cutter looks
 * for is ASCII, and in UTF-8 no byte of another character is below 0x80.
 */
export function splitServicesBytes(bytes: Uint8Array): SplitFile | undefined {
  const b = bytes;
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return undefined; // byte order mark
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const text = (from: number, to?: number): string => buf.toString('utf8', from, to ?? b.length);
  const starts = lineStarts(buf);
  const n = starts.length;
  let keyLine = -1;
  for (let i = 0; i < n; i++) {
    const at = starts[i]!;
    if (unsafeLineAt(b, at)) return undefined;
    if (startsWith(b, 'services', at)) {
      const line = text(at, i + 1 < n ? starts[i + 1]! - 1 : b.length).trimEnd();
      if (!SERVICES_KEY.test(line)) continue;
      if (keyLine >= 0) return undefined;
      keyLine = i;
    }
  }
  if (keyLine < 0) return undefined;
  let first = keyLine + 1;
  while (first < n && indentAt(b, starts[first]!) < 0) first++;
  if (first >= n) return undefined;
  const indent = indentAt(b, starts[first]!);
  if (!isItemStart(b, starts[first]!, indent)) return undefined;

  const chunks: ServiceChunk[] = [];
  const cut = { starts: [] as number[], ends: [] as number[], lines: [] as number[], indent };
  /** The text of lines [from, to), without the last newline. */
  const lines = (from: number, to: number): string =>
    to >= n ? text(starts[from]!) : text(starts[from]!, starts[to]! - 1);
  /**
   * Lines [from, to), without the last newline, as a piece read when asked. The file's own last
   * newline is left out too, so an item reads the same at the end of the list as anywhere else.
   */
  const piece = (from: number, to: number): ServiceChunk => {
    const end = to < n ? starts[to]! - 1 : b[b.length - 1] === 10 ? b.length - 1 : b.length;
    cut.starts.push(starts[from]!);
    cut.ends.push(end);
    cut.lines.push(from + 1);
    return new ByteChunk(buf, starts[from]!, end, from + 1);
  };
  let start = first;
  let end = first + 1;
  for (; end < n; end++) {
    const at = starts[end]!;
    const ind = indentAt(b, at);
    if (ind < 0 || ind > indent) continue;
    if (ind === indent && isItemStart(b, at, indent)) {
      chunks.push(piece(start, end));
      start = end;
      continue;
    }
    break; // back at or above the list's indent: the list ended
  }
  chunks.push(piece(start, end));
  const rest = lines(0, first) + (end < n ? '\n' + text(starts[end]!) : '');
  return { rest, chunks, cut };
}

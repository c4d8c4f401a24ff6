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
  /** The item's text, from its dash to the line before the next item. */
  readonly text: string;
  /** 1-based line of the item's dash in the file. */
  readonly line: number;
}

export interface SplitFile {
  /** The document without the items (`services:` left with no value), to check the rest of the file. */
  readonly rest: string;
  readonly chunks: readonly ServiceChunk[];
}

const SERVICES_KEY = /^services:[ \t]*(#.*)?$/;

/**
 * The file as the cutter reads it: a string, or its UTF-8 bytes (then no
 * file-sized string is ever made; each piece becomes a string of its own).
 * Every character the cutter looks for is ASCII, and in UTF-8 no byte of
 * another character is below 0x80, so both views find the same places.
 */
interface Source {
  readonly length: number;
  /** The code unit or byte at `i`; NaN past the end. */
  code(i: number): number;
  /** Where the next newline at or after `from` is; -1 for none. */
  newline(from: number): number;
  startsWith(ascii: string, at: number): boolean;
  /** Text of [from, to). */
  text(from: number, to?: number): string;
}

function stringSource(t: string): Source {
  return {
    length: t.length,
    code: (i) => t.charCodeAt(i),
    newline: (from) => t.indexOf('\n', from),
    startsWith: (ascii, at) => t.startsWith(ascii, at),
    text: (from, to) => t.slice(from, to),
  };
}

function bytesSource(b: Uint8Array): Source {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  return {
    length: buf.length,
    code: (i) => (i < buf.length ? buf[i]! : NaN),
    newline: (from) => buf.indexOf(10, from),
    startsWith: (ascii, at) => {
      if (at + ascii.length > buf.length) return false;
      for (let i = 0; i < ascii.length; i++) if (buf[at + i] !== ascii.charCodeAt(i)) return false;
      return true;
    },
    text: (from, to) => buf.toString('utf8', from, to ?? buf.length),
  };
}

/** Spaces at `at`, then a dash followed by a space or the line's end. */
function isItemStart(src: Source, at: number, indent: number): boolean {
  for (let i = 0; i < indent; i++) if (src.code(at + i) !== 32) return false;
  if (src.code(at + indent) !== 45 /* - */) return false;
  const next = src.code(at + indent + 1);
  return Number.isNaN(next) || next === 32 || next === 10 || next === 13;
}

/** Spaces before the line's first other character; -1 for a blank or comment-only line. */
function indentAt(src: Source, at: number): number {
  let i = at;
  while (src.code(i) === 32) i++;
  const c = src.code(i);
  if (Number.isNaN(c) || c === 35 /* # */ || c === 10 || c === 13) return -1;
  return i - at;
}

/** Lines that would make a piece mean something else on its own (tab indent, directive, document marker). */
function unsafeLineAt(src: Source, at: number): boolean {
  const c = src.code(at);
  if (c === 9 /* tab */ || c === 37 /* % */) return true;
  return (c === 45 || c === 46) && (src.startsWith('---', at) || src.startsWith('...', at));
}

/** Start offsets of every line. */
function lineStarts(src: Source): number[] {
  const starts = [0];
  for (let i = src.newline(0); i >= 0 && i + 1 < src.length; i = src.newline(i + 1)) starts.push(i + 1);
  return starts;
}

export function splitServices(text: string): SplitFile | undefined {
  if (text.charCodeAt(0) === 0xfeff) return undefined;
  return split(stringSource(text));
}

/** The same cut of a file's UTF-8 bytes; each piece's text is a string of its own. */
export function splitServicesBytes(bytes: Uint8Array): SplitFile | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return undefined; // byte order mark
  return split(bytesSource(bytes));
}

function split(src: Source): SplitFile | undefined {
  const starts = lineStarts(src);
  const n = starts.length;
  let keyLine = -1;
  for (let i = 0; i < n; i++) {
    const at = starts[i]!;
    if (unsafeLineAt(src, at)) return undefined;
    if (src.startsWith('services', at)) {
      const line = src.text(at, i + 1 < n ? starts[i + 1]! - 1 : src.length).trimEnd();
      if (!SERVICES_KEY.test(line)) continue;
      if (keyLine >= 0) return undefined;
      keyLine = i;
    }
  }
  if (keyLine < 0) return undefined;
  let first = keyLine + 1;
  while (first < n && indentAt(src, starts[first]!) < 0) first++;
  if (first >= n) return undefined;
  const indent = indentAt(src, starts[first]!);
  if (!isItemStart(src, starts[first]!, indent)) return undefined;

  const chunks: ServiceChunk[] = [];
  /** The text of lines [from, to), without the last newline. */
  const lines = (from: number, to: number): string =>
    to >= n ? src.text(starts[from]!) : src.text(starts[from]!, starts[to]! - 1);
  let start = first;
  let end = first + 1;
  for (; end < n; end++) {
    const at = starts[end]!;
    const ind = indentAt(src, at);
    if (ind < 0 || ind > indent) continue;
    if (ind === indent && isItemStart(src, at, indent)) {
      chunks.push({ text: lines(start, end), line: start + 1 });
      start = end;
      continue;
    }
    break; // back at or above the list's indent: the list ended
  }
  chunks.push({ text: lines(start, end), line: start + 1 });
  const rest = lines(0, first) + (end < n ? '\n' + src.text(starts[end]!) : '');
  return { rest, chunks };
}

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

/** Spaces at `at`, then a dash followed by a space or the line's end. */
function isItemStart(text: string, at: number, indent: number): boolean {
  for (let i = 0; i < indent; i++) if (text.charCodeAt(at + i) !== 32) return false;
  if (text.charCodeAt(at + indent) !== 45 /* - */) return false;
  const next = text.charCodeAt(at + indent + 1);
  return Number.isNaN(next) || next === 32 || next === 10 || next === 13;
}

/** Spaces before the line's first other character; -1 for a blank or comment-only line. */
function indentAt(text: string, at: number): number {
  let i = at;
  while (text.charCodeAt(i) === 32) i++;
  const c = text.charCodeAt(i);
  if (Number.isNaN(c) || c === 35 /* # */ || c === 10 || c === 13) return -1;
  return i - at;
}

/** Lines that would make a piece mean something else on its own (tab indent, directive, document marker). */
function unsafeLineAt(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  if (c === 9 /* tab */ || c === 37 /* % */) return true;
  return (c === 45 || c === 46) && (text.startsWith('---', at) || text.startsWith('...', at));
}

/** Start offsets of every line. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0 && i + 1 < text.length; i = text.indexOf('\n', i + 1))
    starts.push(i + 1);
  return starts;
}

export function splitServices(text: string): SplitFile | undefined {
  if (text.charCodeAt(0) === 0xfeff) return undefined;
  const starts = lineStarts(text);
  const n = starts.length;
  let keyLine = -1;
  for (let i = 0; i < n; i++) {
    const at = starts[i]!;
    if (unsafeLineAt(text, at)) return undefined;
    if (text.startsWith('services', at)) {
      const line = text.slice(at, i + 1 < n ? starts[i + 1]! - 1 : text.length).trimEnd();
      if (!SERVICES_KEY.test(line)) continue;
      if (keyLine >= 0) return undefined;
      keyLine = i;
    }
  }
  if (keyLine < 0) return undefined;
  let first = keyLine + 1;
  while (first < n && indentAt(text, starts[first]!) < 0) first++;
  if (first >= n) return undefined;
  const indent = indentAt(text, starts[first]!);
  if (!isItemStart(text, starts[first]!, indent)) return undefined;

  const chunks: ServiceChunk[] = [];
  /** The text of lines [from, to), without the last newline. */
  const lines = (from: number, to: number): string =>
    to >= n ? text.slice(starts[from]) : text.slice(starts[from], starts[to]! - 1);
  let start = first;
  let end = first + 1;
  for (; end < n; end++) {
    const at = starts[end]!;
    const ind = indentAt(text, at);
    if (ind < 0 || ind > indent) continue;
    if (ind === indent && isItemStart(text, at, indent)) {
      chunks.push({ text: lines(start, end), line: start + 1 });
      start = end;
      continue;
    }
    break; // back at or above the list's indent: the list ended
  }
  chunks.push({ text: lines(start, end), line: start + 1 });
  const rest = lines(0, first) + (end < n ? '\n' + text.slice(starts[end]) : '');
  return { rest, chunks };
}

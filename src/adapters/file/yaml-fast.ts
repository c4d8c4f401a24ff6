/**
 * A fast reader for the plain subset of YAML that generated registry files are
 * written in: block sequences (`- `), block mappings (`key: value`), one-line
 * plain scalars, one-line flow mappings of plain keys and values
 * (`{ version: v0, zone: z0 }`), and `[]` / `{}`. Scalars are made of ASCII
 * letters, digits and `._/+~-` (block values may hold spaces inside); a key
 * starts with a letter, digit or `_`.
 *
 * It returns exactly what loadYaml returns for such a document (the same
 * objects, arrays, strings, nulls and PlainScalars, keys in the same order;
 * scalars resolved by the schema's own tags), or `undefined` for anything
 * else: then js-yaml reads the text, and reports any error. When in doubt it
 * refuses: comments, quotes, anchors, aliases, tags, block scalars, tabs,
 * carriage returns, lines of spaces, trailing spaces, multi-line scalars,
 * explicit keys, empty values, flow sequences with content, a colon or `#` in
 * a scalar, keys that do not resolve to strings (`1:`, `true:`, `null:`),
 * duplicate keys, `__proto__`, a list right in a list (`- - a`, or `-` alone
 * on its line), a line indented other than its place in the tree says, deep
 * nesting, any other character.
 */
import { resolvePlainScalar } from './yaml-load.js';

/** Refusal inside the reader (one instance, thrown and caught here only). */
class Refused extends Error {}
const REFUSED = new Refused('not in the fast YAML subset');

const SPACE = 32;
const DASH = 45;
const COLON = 58;
const COMMA = 44;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;

/** May appear in a plain scalar of the subset (a key, or a value; block values may hold spaces too). */
const SCALAR = 1;
/** May start a key. */
const KEY_START = 2;
/** May start a value (a dash only when a scalar character follows). */
const VALUE_START = 4;

/** Character classes, by UTF-16 code unit: anything not listed is refused. */
const CLASS = new Uint8Array(0x10000);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_') {
  CLASS[c.charCodeAt(0)] = SCALAR | KEY_START | VALUE_START;
}
for (const c of './+~-') CLASS[c.charCodeAt(0)] = SCALAR | VALUE_START;

/** Collections nested deeper are refused (js-yaml itself stops at 100 nodes deep). */
const MAX_DEPTH = 32;
/** Longer keys are refused. */
const MAX_KEY = 1024;

/** Slots of a reader's table of strings it has read (a power of two). */
const SEEN_SLOTS = 64;

/** A hash step over UTF-16 code units. */
function mix(hash: number, c: number): number {
  return (Math.imul(hash, 31) + c) | 0;
}

class FastReader {
  /** Offset of the current line's first character. */
  private lineStart = 0;
  /** Offset of the current line's end (its newline, or the text's end). */
  private lineEnd = -1;
  /** Spaces before the current line's content; -1 past the last line. */
  private indent = -1;
  /** Cursor in the current line. */
  private pos = 0;
  /** The hash of the key keyEnd last scanned. */
  private keyHash = 0;
  /**
   * Plain scalars read as strings, by hash: a repeated key or value is one
   * string, which saves its copy and its resolution (and makes the objects
   * built with it share their shape). Per reader, so it holds nothing after.
   */
  private readonly seen = new Array<string | undefined>(SEEN_SLOTS);

  constructor(private readonly text: string) {}

  document(): unknown {
    this.seek(0);
    if (this.indent < 0) throw REFUSED; // empty document
    const value = this.block(this.indent, 0);
    if (this.indent >= 0) throw REFUSED; // content after the root node
    return value;
  }

  /** Moves to the first line at or after `from` with content (empty lines are skipped). */
  private seek(from: number): void {
    const t = this.text;
    let at = from;
    while (at < t.length) {
      let end = t.indexOf('\n', at);
      if (end < 0) end = t.length;
      if (end > at) {
        let i = at;
        while (t.charCodeAt(i) === SPACE) i++;
        if (i === end) throw REFUSED; // a line of spaces
        this.lineStart = at;
        this.lineEnd = end;
        this.indent = i - at;
        this.pos = i;
        return;
      }
      at = end + 1;
    }
    this.lineStart = this.lineEnd = this.pos = t.length;
    this.indent = -1;
  }

  /** Moves past the current line, which must have been read to its end. */
  private nextLine(): void {
    if (this.pos !== this.lineEnd) throw REFUSED;
    this.seek(this.lineEnd + 1);
  }

  private code(i: number): number {
    return this.text.charCodeAt(i);
  }

  /** A `- ` at the cursor. */
  private atItem(): boolean {
    return this.code(this.pos) === DASH && this.code(this.pos + 1) === SPACE;
  }

  /** The block collection whose first line is the current one, at column `indent`. */
  private block(indent: number, depth: number): unknown {
    return this.atItem() ? this.sequence(indent, depth) : this.mapping(indent, depth);
  }

  private sequence(indent: number, depth: number): unknown[] {
    if (depth > MAX_DEPTH) throw REFUSED;
    const list: unknown[] = [];
    for (;;) {
      let i = this.pos + 1;
      while (this.code(i) === SPACE) i++;
      if (i >= this.lineEnd) throw REFUSED; // an empty item, or trailing spaces
      this.pos = i;
      list.push(this.item(i - this.lineStart, depth + 1));
      if (this.indent > indent) throw REFUSED; // a continuation line, or bad indentation
      if (this.indent < indent || !this.atItem()) return list;
    }
  }

  /** The content of a sequence item at the cursor (column `column`); ends on the first line not in it. */
  private item(column: number, depth: number): unknown {
    if (this.keyEnd(this.pos) >= 0) return this.mapping(column, depth);
    const value = this.inlineValue(depth);
    this.nextLine();
    return value;
  }

  /** A block mapping whose first key is at the cursor, at column `indent`; ends on the first line not in it. */
  private mapping(indent: number, depth: number): Record<string, unknown> {
    if (depth > MAX_DEPTH) throw REFUSED;
    const map: Record<string, unknown> = {};
    for (;;) {
      const colon = this.keyEnd(this.pos);
      if (colon < 0) throw REFUSED;
      const key = this.key(map, this.pos, colon, this.keyHash);
      let value: unknown;
      if (colon + 1 === this.lineEnd) {
        this.pos = this.lineEnd;
        this.nextLine();
        if (this.indent > indent) value = this.block(this.indent, depth + 1);
        else if (this.indent === indent && this.atItem()) value = this.sequence(indent, depth + 1);
        else throw REFUSED; // an empty value
      } else {
        let i = colon + 1;
        while (this.code(i) === SPACE) i++;
        if (i >= this.lineEnd) throw REFUSED; // an empty value, or trailing spaces
        this.pos = i;
        value = this.inlineValue(depth + 1);
        this.nextLine();
      }
      // js-yaml's own mappings are plain objects written this way; `__proto__`
      // was refused, so the assignment cannot reach a prototype.
      map[key] = value;
      if (this.indent > indent) throw REFUSED;
      if (this.indent < indent) return map;
    }
  }

  /**
   * Where the key starting at `from` ends: the offset of its colon, which a
   * space or the line's end follows; -1 when no such key starts there. Sets
   * `keyHash` to the key's hash.
   */
  private keyEnd(from: number): number {
    let c = this.code(from);
    if ((CLASS[c]! & KEY_START) === 0) return -1;
    let hash = 0;
    let i = from;
    for (; (CLASS[c]! & SCALAR) !== 0; c = this.code(++i)) hash = mix(hash, c);
    this.keyHash = hash;
    if (c !== COLON) return -1;
    return i + 1 === this.lineEnd || this.code(i + 1) === SPACE ? i : -1;
  }

  /** The key [from, to) of hash `hash`, checked: a string, new to `map`, not `__proto__`. */
  private key(map: Record<string, unknown>, from: number, to: number, hash: number): string {
    if (to - from > MAX_KEY) throw REFUSED;
    const key = this.plain(from, to, hash);
    if (typeof key !== 'string' || key === '__proto__' || Object.hasOwn(map, key)) throw REFUSED;
    return key;
  }

  /** What the schema makes of the plain scalar [from, to); `hash` is of its text. */
  private plain(from: number, to: number, hash: number): unknown {
    const slot = hash & (SEEN_SLOTS - 1);
    const known = this.seen[slot];
    if (known !== undefined && known.length === to - from && this.text.startsWith(known, from)) return known;
    const value = resolvePlainScalar(this.text.slice(from, to));
    if (typeof value === 'string') this.seen[slot] = value;
    return value;
  }

  /** A flow collection or a plain scalar from the cursor to the line's end. */
  private inlineValue(depth: number): unknown {
    const c = this.code(this.pos);
    if (c === OPEN_BRACE || c === OPEN_BRACKET) return this.flow(depth);
    const from = this.pos;
    const end = this.lineEnd;
    this.scalarStart(from);
    let hash = 0;
    for (let i = from; i < end; i++) {
      const d = this.code(i);
      if (d !== SPACE && (CLASS[d]! & SCALAR) === 0) throw REFUSED;
      hash = mix(hash, d);
    }
    if (this.code(end - 1) === SPACE) throw REFUSED; // trailing spaces
    this.pos = end;
    return this.plain(from, end, hash);
  }

  /** Checks that a plain value may start at `at`. */
  private scalarStart(at: number): void {
    const c = this.code(at);
    if ((CLASS[c]! & VALUE_START) === 0) throw REFUSED;
    if (c === DASH && (CLASS[this.code(at + 1)]! & SCALAR) === 0) throw REFUSED;
  }

  /** `[]`, `{}`, or a one-line flow mapping of plain keys and values, ending the line. */
  private flow(depth: number): unknown {
    if (depth > MAX_DEPTH) throw REFUSED;
    const open = this.code(this.pos);
    let i = this.pos + 1;
    let value: unknown;
    if (open === OPEN_BRACKET) {
      if (this.code(i) !== CLOSE_BRACKET) throw REFUSED;
      value = [];
      i++;
    } else if (this.code(i) === CLOSE_BRACE) {
      value = {};
      i++;
    } else {
      const map: Record<string, unknown> = {};
      for (;;) {
        while (this.code(i) === SPACE) i++;
        const colon = this.keyEnd(i);
        if (colon < 0 || this.code(colon + 1) !== SPACE) throw REFUSED; // a key, `: `, on this line
        const key = this.key(map, i, colon, this.keyHash);
        i = colon + 2;
        while (this.code(i) === SPACE) i++;
        const valueFrom = i;
        this.scalarStart(i);
        let hash = 0;
        for (let c = this.code(i); (CLASS[c]! & SCALAR) !== 0; c = this.code(++i)) hash = mix(hash, c);
        map[key] = this.plain(valueFrom, i, hash);
        while (this.code(i) === SPACE) i++;
        const c = this.code(i);
        i++;
        if (c === CLOSE_BRACE) break;
        if (c !== COMMA) throw REFUSED;
      }
      value = map;
    }
    if (i !== this.lineEnd) throw REFUSED;
    this.pos = i;
    return value;
  }
}

/**
 * The document `text` holds, when it is in the subset this reader knows;
 * `undefined` means "use loadYaml" (never an empty document: those are refused).
 */
export function fastLoadYaml(text: string): unknown {
  try {
    return new FastReader(text).document();
  } catch (err) {
    if (err === REFUSED) return undefined;
    throw err;
  }
}

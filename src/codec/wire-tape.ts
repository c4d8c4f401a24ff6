/**
 * The two-pass protobuf writing shared by the hand-written encoders: a first
 * pass reads the input once, sizes every nested message and records what to
 * write (varints and strings, in order) on a tape; the second pass replays
 * the tape into one buffer of exactly the planned size. The input is never
 * read again, so the bytes are those of the values the first pass checked.
 */

/** Bytes of `n` as a varint; `n` is a uint32 (a field value, a tag or a length). */
export function varintSize(n: number): number {
  if (n < 0x80) return 1;
  if (n < 0x4000) return 2;
  if (n < 0x200000) return 3;
  if (n < 0x10000000) return 4;
  return 5;
}

/**
 * Bytes of `s` in UTF-8, or -1 when `s` holds a lone surrogate: such a string
 * has no UTF-8 form, and encoders disagree on what to write for it.
 */
export function utf8Size(s: string): number {
  const n = s.length;
  let size = n;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) {
      size += 1;
    } else if (c < 0xd800 || c > 0xdfff) {
      size += 2;
    } else {
      // A high surrogate followed by a low one: two code units, four bytes.
      const next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c > 0xdbff || next < 0xdc00 || next > 0xdfff) return -1;
      size += 2;
      i++;
    }
  }
  return size;
}

/** Bytes of a length-delimited field (tag below 16) holding `length` bytes. */
export function delimitedSize(length: number): number {
  return 1 + varintSize(length) + length;
}

/**
 * Up to this many bytes a string is copied by a loop: a native Buffer write
 * costs more than the loop for the short strings resources are made of.
 */
const LOOP_MAX = 256;

/** Writes the UTF-8 bytes of the well-formed string `s` at `pos`; returns the position after them. */
function writeUtf8(buf: Buffer, pos: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      buf[pos++] = c;
    } else if (c < 0x800) {
      buf[pos++] = 0xc0 | (c >> 6);
      buf[pos++] = 0x80 | (c & 0x3f);
    } else if (c < 0xd800 || c > 0xdbff) {
      buf[pos++] = 0xe0 | (c >> 12);
      buf[pos++] = 0x80 | ((c >> 6) & 0x3f);
      buf[pos++] = 0x80 | (c & 0x3f);
    } else {
      // A surrogate pair (utf8Size let no lone surrogate through).
      const cp = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
      buf[pos++] = 0xf0 | (cp >> 18);
      buf[pos++] = 0x80 | ((cp >> 12) & 0x3f);
      buf[pos++] = 0x80 | ((cp >> 6) & 0x3f);
      buf[pos++] = 0x80 | (cp & 0x3f);
    }
  }
  return pos;
}

/** Tape entries kept for reuse between resources (a resource of ~10 endpoints takes ~250). */
const KEEP_ITEMS = 1 << 16;

/**
 * What to write, in order: a number is a varint (a tag, a length, a value); a
 * string is written as its UTF-8 bytes, and the number just before it is its
 * size (the length prefix). The tape is reused: `reset` starts a new one.
 */
export class WireTape {
  private items: (number | string)[] = [];
  private count = 0;

  /** Starts a new tape; one grown by a very large resource is let go rather than kept. */
  reset(): void {
    if (this.items.length > KEEP_ITEMS) this.items = [];
    this.count = 0;
  }

  varint(n: number): void {
    this.items[this.count++] = n;
  }

  /**
   * A length prefix and the bytes of `s`, whose UTF-8 size (`utf8Size`) is
   * `size`; returns the string's place (see `set`).
   */
  string(s: string, size: number): number {
    this.items[this.count++] = size;
    this.items[this.count] = s;
    return this.count++;
  }

  /** A place for a varint known later (a nested message's size): give it with `set`. */
  reserve(): number {
    this.items[this.count] = 0;
    return this.count++;
  }

  /** Fills a reserved place, or replaces a string with another of the same UTF-8 size. */
  set(slot: number, value: number | string): void {
    this.items[slot] = value;
  }

  /** Writes the tape into `buf` from `pos`; returns the position after the last byte. */
  writeTo(buf: Buffer, pos: number): number {
    const items = this.items;
    const n = this.count;
    for (let i = 0; i < n; i++) {
      const x = items[i]!;
      if (typeof x === 'number') {
        let v = x;
        while (v > 0x7f) {
          buf[pos++] = (v & 0x7f) | 0x80;
          v >>>= 7;
        }
        buf[pos++] = v;
      } else {
        const size = items[i - 1] as number;
        if (size > LOOP_MAX) pos += buf.write(x, pos, size, 'utf8');
        else pos = writeUtf8(buf, pos, x);
      }
    }
    return pos;
  }
}

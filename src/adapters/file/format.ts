import type { RegistryService } from '../../model/registry.js';
import { readServiceItem, type ServiceItem } from './service-item.js';
import { parsePieces } from './pieces.js';
import { recut, type LastCut } from './recut.js';
import { splitServices, splitServicesBytes, type SplitFile } from './split.js';
import { loadYaml, PlainScalar } from './yaml-load.js';

export interface ParsedFile {
  readonly services: RegistryService[];
  /** Items that were skipped, with the reason, e.g. `services[2].instances[0]: port: ... (line 40)`. */
  readonly problems: string[];
}

/**
 * One item of the `services` list: `key` identifies its content. Items of a
 * parsed document carry their `value`; pieces of a split file carry only
 * their text, and are parsed (all that missed the cache at once) on demand.
 */
interface Item {
  readonly key: string;
  /** 1-based line of the item in the file, when known. */
  readonly line: number | undefined;
  readonly value?: unknown;
  /** Index of the last read's item with the very same text, where the cut knows it. */
  readonly same?: number;
}

const NO_SERVICES = 'expected a mapping with a "services" list (write "services: []" for an empty registry)';

function isMapping(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof PlainScalar);
}

/** The `services` list of a parsed document; a missing or misspelt key (or an empty file) is an error, not "no services". */
function servicesOf(doc: unknown): unknown[] {
  const list = isMapping(doc) && Object.hasOwn(doc, 'services') ? doc['services'] : undefined;
  if (!Array.isArray(list)) throw new Error(NO_SERVICES);
  return list;
}

/** Content keys of parsed values: JSON, with YAML's plain numbers and booleans told apart by their text. */
function contentKey(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (x instanceof PlainScalar ? { '\0plain': x.source } : x));
}

function parsedItems(list: readonly unknown[], key: (v: unknown) => string): Item[] {
  return list.map((value) => ({ key: key(value), line: undefined, value }));
}

/** JSON.parse gives no PlainScalar: plain JSON is the content key. */
const jsonKey = (v: unknown): string => JSON.stringify(v);

class NotSplittable extends Error {}

interface Cached {
  readonly key: string;
  readonly result: ServiceItem;
}

/** Pieces parsed per parser call. */
const PARSE_BATCH = 200;

/** The items of a file in the block layout, each parsed only when asked (undefined: not that layout). */
function splitItems(split: SplitFile | undefined): Item[] | undefined {
  if (split === undefined) return undefined;
  try {
    const rest = loadYaml(split.rest);
    if (!isMapping(rest) || !Object.hasOwn(rest, 'services') || rest['services'] !== null) return undefined;
  } catch {
    return undefined;
  }
  // The key is the chunk's text, made on each read (see ServiceChunk).
  return split.chunks.map((c, i) => ({
    get key() {
      return c.text;
    },
    line: c.line,
    same: split.same?.[i],
  }));
}

/**
 * Reads the file registry format. A reader remembers each item it validated,
 * by content: reading the file again after one service changed parses and
 * validates that service only, and returns the very same RegistryService
 * object for every unchanged one (so "changed?" is an identity check).
 *
 * Throws when the document as a whole is unusable (not YAML, no `services`
 * list); a bad service or instance is skipped and listed in `problems`, so
 * one typo never hides the rest.
 */
export class RegistryFileReader {
  /** Validated items by content; each entry keeps the key string it was stored with. */
  private cache = new Map<string, Cached>();
  /** The entry of each item of the last read, in file order. */
  private order: Cached[] = [];
  /** The last read's bytes (a copy) and cut, when it was a cut of bytes: the next cut starts from it. */
  private last: LastCut | undefined;
  private lastBytes = Buffer.alloc(0);

  /**
   * Reads the file's text, or its UTF-8 bytes: from bytes, a file in the block
   * layout is cut without ever making one file-sized string, so what a reload
   * leaves behind is small, short-lived pieces rather than a second copy of
   * the file in the old generation.
   */
  read(content: string | Uint8Array): ParsedFile {
    if (typeof content !== 'string') {
      const text = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
      if (startsLikeJson(content)) return this.forget(this.readText(text.toString('utf8'), true));
      // Cut once: a cut that cannot be used is not tried again on the text.
      const split = (this.last && recut(this.last, content)) ?? splitServicesBytes(content);
      const read = this.readSplit(split);
      if (read === undefined) return this.forget(this.readText(text.toString('utf8'), false));
      if (split?.cut) this.remember(text, split.cut, split.rest);
      else this.last = undefined;
      return read;
    }
    return this.forget(this.readText(content, true));
  }

  /**
   * Whether `bytes` are those of the last good read: `undefined` when the reader keeps no copy
   * to tell (the last good read was not a cut of bytes), and the caller must find out itself.
   * A read that throws leaves the last good one in place.
   */
  isLastRead(bytes: Uint8Array): boolean | undefined {
    return this.last === undefined ? undefined : this.last.bytes.equals(bytes);
  }

  /** A good read by another path than a cut of bytes: the next one cannot start from a cut. */
  private forget(read: ParsedFile): ParsedFile {
    this.last = undefined;
    return read;
  }

  /** Keeps a copy of the bytes just cut (in a buffer reused from read to read) for the next cut. */
  private remember(bytes: Buffer, cut: LastCut['cut'], rest: string): void {
    if (this.lastBytes.length < bytes.length) {
      this.lastBytes = Buffer.allocUnsafeSlow(Math.ceil(bytes.length * 1.25));
    }
    bytes.copy(this.lastBytes);
    this.last = { bytes: this.lastBytes.subarray(0, bytes.length), cut, rest };
  }

  private readText(text: string, trySplit: boolean): ParsedFile {
    const json = /^\s*[{[]/.test(text) ? parseJson(text) : undefined;
    if (json !== undefined) return this.collect(parsedItems(servicesOf(json), jsonKey));
    return (
      (trySplit ? this.readSplit(splitServices(text)) : undefined) ??
      this.collect(parsedItems(servicesOf(loadYaml(text)), contentKey))
    );
  }

  /** A cut file's pieces; undefined when the cut cannot be used (the whole document decides). */
  private readSplit(split: SplitFile | undefined): ParsedFile | undefined {
    const items = splitItems(split);
    if (items !== undefined) {
      try {
        return this.collect(items);
      } catch (err) {
        if (!(err instanceof NotSplittable)) throw err;
        // a piece did not parse on its own: the whole document decides (and names the line of any error)
      }
    }
    return undefined;
  }

  private collect(items: readonly Item[]): ParsedFile {
    const next = new Map<string, Cached>();
    // One lookup per piece: comparing a piece's text with a cached one is most of a reload's work.
    // A cut piece's key is made once, here (a getter): a hit drops it at once (young garbage),
    // a miss keeps it, and that one string is both its cache key and its Cached.key.
    const hits = new Array<Cached | undefined>(items.length);
    const missKeys = new Array<string | undefined>(items.length);
    const misses: number[] = [];
    items.forEach((item, i) => {
      if ('value' in item) return;
      // A piece the cut found byte for byte in the last read needs no text at all.
      const same = item.same === undefined ? undefined : this.order[item.same];
      if (same !== undefined) {
        hits[i] = same;
        return;
      }
      // Otherwise the piece at the same place last time is the likely match: comparing with its
      // key costs one string compare, where a map lookup hashes the whole new string first.
      const key = item.key;
      const guess = this.order[i];
      const hit = guess !== undefined && guess.key === key ? guess : this.cache.get(key);
      if (hit) hits[i] = hit;
      else {
        missKeys[i] = key;
        misses.push(i);
      }
    });
    // In batches: each batch's parsed tree is garbage before the next is built,
    // which keeps the peak heap (and so the RSS) low and the garbage young.
    for (let from = 0; from < misses.length; from += PARSE_BATCH) {
      const batch = misses.slice(from, from + PARSE_BATCH);
      const values = parsePieces(batch.map((at) => missKeys[at]!));
      if (values === undefined) throw new NotSplittable();
      batch.forEach((at, j) => {
        const key = missKeys[at]!;
        if (!next.has(key)) next.set(key, { key, result: readServiceItem(values[j]) });
      });
    }
    const problems: string[] = [];
    const services: RegistryService[] = [];
    const seen = new Set<string>();
    const order = new Array<Cached>(items.length);
    items.forEach((item, i) => {
      // An unchanged piece keeps the key string it was first stored with: the
      // new, equal string is garbage at once (young), not the old one.
      const cached = hits[i] ??
        next.get(missKeys[i] ?? item.key) ??
        this.cache.get(item.key) ?? {
          key: item.key,
          result: readServiceItem(item.value),
        };
      next.set(cached.key, cached);
      order[i] = cached;
      const result = cached.result;
      const at = item.line === undefined ? '' : ` (line ${item.line})`;
      for (const p of result.problems) {
        problems.push(p.startsWith('instances[') ? `services[${i}].${p}${at}` : `services[${i}]: ${p}${at}`);
      }
      const s = result.service;
      if (s === undefined) return;
      if (seen.has(s.id)) {
        problems.push(`services[${i}]: service "${s.name}" is listed twice; the first is kept${at}`);
        return;
      }
      seen.add(s.id);
      services.push(s);
    });
    this.cache = next;
    this.order = order;
    return { services, problems };
  }
}

/** The first byte that is not white space opens a JSON object or list. */
function startsLikeJson(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    if (b === 32 || b === 9 || b === 10 || b === 13) continue;
    return b === 0x7b /* { */ || b === 0x5b; /* [ */
  }
  return false;
}

/** JSON is YAML too; parsed natively it is several times faster, which matters for generated files. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined; // not strict JSON (e.g. YAML flow style): the YAML parser decides
  }
}

/** Reads a whole file with no memory of earlier reads. */
export function parseRegistryFile(text: string): ParsedFile {
  return new RegistryFileReader().read(text);
}

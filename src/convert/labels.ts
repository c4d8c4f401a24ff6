import { warning, type ConvertWarning } from './warnings.js';
import { isDns1123Subdomain } from './naming.js';
import { compareStrings } from '../util/compare.js';

const NAME_RE = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/**
 * Remembered answers for label keys and values, which repeat across every
 * endpoint (`version`, `zone`, `v1`). Bounded: emptied when full, so
 * registry input can make it hold at most MEMO_MAX short strings.
 */
const MEMO_MAX = 4096;
const MEMO_TEXT_MAX = 320;

function memoised(test: (s: string) => boolean): (s: string) => boolean {
  const memo = new Map<string, boolean>();
  return (s) => {
    if (s.length > MEMO_TEXT_MAX) return test(s);
    let ok = memo.get(s);
    if (ok === undefined) {
      if (memo.size >= MEMO_MAX) memo.clear();
      ok = test(s);
      memo.set(s, ok);
    }
    return ok;
  };
}

const validKey = memoised(checkLabelKey);
const validValue = memoised(checkLabelValue);

/** Kubernetes label key: optional DNS-1123 prefix and '/', then a name of at most 63 characters. */
export function isValidLabelKey(key: string): boolean {
  return validKey(key);
}

/** Kubernetes label value: empty, or at most 63 of [A-Za-z0-9-_.] starting and ending alphanumeric. */
export function isValidLabelValue(value: string): boolean {
  return validValue(value);
}

function checkLabelKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix === '' || !isDns1123Subdomain(prefix))) return false;
  return name.length > 0 && name.length <= 63 && NAME_RE.test(name);
}

function checkLabelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && NAME_RE.test(value));
}

/** Mends a value Kubernetes would reject: other characters become '_', cut to 63, ends trimmed. */
export function mendLabelValue(value: string): string {
  return value
    .replace(/[^-A-Za-z0-9_.]/g, '_')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

/**
 * Returns the labels Kubernetes (and so Istio validation) accepts, keys sorted.
 * Invalid keys are dropped, invalid values mended; both come back as warnings.
 */
export function cleanLabels(
  labels: Readonly<Record<string, string>>,
  where: string,
): { labels: Record<string, string>; warnings: ConvertWarning[] } {
  // Built from entries, never by assignment: a key such as `__proto__` is data.
  const out: [string, string][] = [];
  const warnings: ConvertWarning[] = [];
  const entries = Object.entries(labels);
  // Registries mostly list labels sorted already: sort only when they are not.
  if (!entries.every((e, i) => i === 0 || compareStrings(entries[i - 1]![0], e[0]) < 0)) {
    entries.sort((a, b) => compareStrings(a[0], b[0]));
  }
  for (const [key, raw] of entries) {
    const value = String(raw);
    if (!isValidLabelKey(key)) {
      warnings.push(
        warning('LABEL_DROPPED', `${where}: label key "${key}" is not a valid Kubernetes label key`),
      );
      continue;
    }
    if (isValidLabelValue(value)) {
      out.push([key, value]);
      continue;
    }
    const mended = mendLabelValue(value);
    out.push([key, mended]);
    warnings.push(warning('LABEL_MENDED', `${where}: label ${key}="${value}" mended to "${mended}"`));
  }
  return { labels: Object.fromEntries(out), warnings };
}

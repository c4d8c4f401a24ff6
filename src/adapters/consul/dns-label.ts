import { createHash } from 'node:crypto';

const MAX_LABEL = 63;

/**
 * Turns a Consul name into one DNS-1123 label for use in a host: lower case,
 * every character other than `a-z0-9-` becomes `-` (dots too, so a name never
 * adds labels), leading/trailing `-` dropped. A result over 63 characters is
 * cut and given an 8-hex hash of the original so two long names stay distinct.
 */
export function toDnsLabel(raw: string): string {
  let label = raw
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/^-+|-+$/g, '');
  if (label.length > MAX_LABEL) {
    label = `${label.slice(0, MAX_LABEL - 9).replace(/-+$/, '')}-${shortHash(raw)}`;
  }
  if (label === '') label = `x-${shortHash(raw)}`;
  return label;
}

function shortHash(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 8);
}

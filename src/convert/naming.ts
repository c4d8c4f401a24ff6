import { createHash } from 'node:crypto';

const LABEL_MAX = 63;
const HOST_MAX = 253;

/** True for a DNS-1123 label: lower case alphanumerics and '-', at most 63, alphanumeric at both ends. */
export function isDns1123Label(s: string): boolean {
  return s.length <= LABEL_MAX && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s);
}

/** True for a DNS-1123 subdomain (dot-separated labels, at most 253 characters). */
export function isDns1123Subdomain(s: string): boolean {
  return s.length <= HOST_MAX && s.split('.').every(isDns1123Label);
}

/**
 * True for a host name Istio accepts as a ServiceEntry host or endpoint
 * address: a DNS-1123 subdomain whose last label is not all digits (Istio
 * refuses an all-numeric top-level label, so `1.2.3` or `999.1.1.1` is
 * neither an IP nor a host name to it).
 */
export function isServableHost(s: string): boolean {
  if (s === '' || !isDns1123Subdomain(s)) return false;
  return !/^[0-9]+$/.test(s.slice(s.lastIndexOf('.') + 1));
}

export function shortHash(input: string, hexChars = 8): string {
  return createHash('sha256').update(input).digest('hex').slice(0, hexChars);
}

/**
 * Turns any registry name into a DNS-1123 label: lower case, every other
 * character becomes '-', runs of '-' collapse, ends are trimmed. A name that
 * would exceed 63 characters is cut and given a hash of the original, so two
 * long names that share a prefix stay distinct.
 */
export function toDns1123Label(original: string, max = LABEL_MAX): string {
  // Already a label the steps below would keep as it is (they also collapse '--').
  if (max === LABEL_MAX && !original.includes('--') && isDns1123Label(original)) return original;
  let s = original
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
  if (s === '') s = `x-${shortHash(original)}`;
  if (s.length > max) {
    const suffix = shortHash(original);
    s = `${s.slice(0, max - suffix.length - 1).replace(/-+$/, '')}-${suffix}`;
  }
  return s;
}

/** Turns a host name into a DNS-1123 subdomain, label by label. */
export function toDns1123Host(original: string): string {
  const labels = original
    .toLowerCase()
    .split('.')
    .filter((l) => l !== '')
    .map((l) => toDns1123Label(l));
  let host = labels.join('.');
  if (host.length > HOST_MAX) host = `${toDns1123Label(original)}.${labels.slice(-1)[0] ?? 'local'}`;
  return host;
}

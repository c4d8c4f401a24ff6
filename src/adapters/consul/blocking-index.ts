/** What to do with one blocking-query answer, given the index sent. */
export interface IndexStep {
  /** Index for the next request; 0 means "answer at once" (no blocking). */
  readonly next: bigint;
  /** The body describes a state not seen yet and must be applied. */
  readonly changed: boolean;
  /** The index went backwards (e.g. Consul restarted with a new state). */
  readonly reset: boolean;
}

/**
 * Consul's rules for `X-Consul-Index` (docs, "Blocking Queries"):
 * - same index as sent: the wait timed out, nothing changed;
 * - higher index: something changed (possibly not in this result, so the
 *   caller still compares the mapped result before pushing);
 * - lower index: state was reset (restore, restart, failover): apply the body
 *   and start again from 0;
 * - 0 or less is a Consul bug; blocking on it would spin, so use 1;
 * - a missing or unreadable header: apply the body and use 0 (the caller's
 *   minimum interval between requests keeps this from becoming a hot loop).
 */
export function stepIndex(sent: bigint, header: string | null | undefined): IndexStep {
  const received = parseIndex(header);
  if (received === undefined) return { next: 0n, changed: true, reset: false };
  if (received <= 0n) return { next: 1n, changed: true, reset: false };
  if (sent === 0n) return { next: received, changed: true, reset: false };
  if (received < sent) return { next: 0n, changed: true, reset: true };
  return { next: received, changed: received > sent, reset: false };
}

export function parseIndex(header: string | null | undefined): bigint | undefined {
  if (header === null || header === undefined || !/^\d{1,20}$/.test(header.trim())) return undefined;
  return BigInt(header.trim());
}

import { z } from 'zod';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * The longest duration a config accepts: the longest delay a Node timer can
 * wait (2^31-1 ms, about 24.8 days). A longer one would fire after 1 ms.
 */
export const MAX_DURATION_MS = 2 ** 31 - 1;

/** Parses `250ms`, `2s`, `1m`, `1h` or a bare number of milliseconds. */
export function parseDurationMs(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * UNITS[m[2] ?? 'ms']!);
}

/**
 * A zod type for durations written as `100ms`, `5s` or milliseconds; yields
 * milliseconds, at most MAX_DURATION_MS.
 */
export const durationMs = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const ms = parseDurationMs(v);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${String(v)}" is not a duration (use e.g. 100ms, 5s, 1m)` });
    return z.NEVER;
  }
  if (ms > MAX_DURATION_MS) {
    ctx.addIssue({
      code: 'custom',
      message: `"${String(v)}" is too long: the maximum is ${MAX_DURATION_MS}ms (about 24.8 days, 596h)`,
    });
    return z.NEVER;
  }
  return ms;
});

/**
 * Per-client log budget: at most one line per `intervalMs` for each kind of
 * event (a NACK, a rejected request), with the number of events left out since
 * the last line. A client looping on bad requests costs a line now and then,
 * never a line per request.
 */
export class LogLimiter {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * `undefined` when this event must not be logged; otherwise how many events
   * of the same kind were left out before it (0 for the first).
   */
  take(kind: string): number | undefined {
    const t = this.now();
    const e = this.last.get(kind);
    if (e === undefined) {
      this.last.set(kind, { at: t, suppressed: 0 });
      return 0;
    }
    if (t - e.at < this.intervalMs) {
      e.suppressed++;
      return undefined;
    }
    const left = e.suppressed;
    e.at = t;
    e.suppressed = 0;
    return left;
  }
}

/** Cuts client-supplied text to `max` characters, saying how much was cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}…(${text.length - max} more characters)`;
}

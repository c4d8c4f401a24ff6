/** Kit: exponential retry back-off with jitter, reset after a success. */

/**
 * The n-th delay is drawn uniformly from [base/2, base] with
 * base = min(max, initial * 2^n), so retries of many watches spread out
 * instead of arriving together.
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  next(): number {
    const base = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return Math.round(base / 2 + (this.random() * base) / 2);
  }

  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}

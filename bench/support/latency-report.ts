/** Lines of the change -> push latency reports: bare watcher against bridge, per change kind. */
import { percentile, verdict } from '../stats.js';

export interface LatencySample {
  readonly kind: string;
  /** ms from the change to the bare watcher seeing it. */
  readonly bare: number;
  /** ms from the change to the bridge's push showing it. */
  readonly bridge: number;
}

export const fmtMs = (ms: number): string => ms.toFixed(1);

const p = (xs: number[], q: number): string => fmtMs(percentile(xs, q));

/** `bare p50 .. / p99 .. ms, bridge p50 .. / p99 .. ms` */
export function latencyLine(of: readonly LatencySample[]): string {
  const bare = of.map((s) => s.bare);
  const bridge = of.map((s) => s.bridge);
  return `bare p50 ${p(bare, 50)} / p99 ${p(bare, 99)} ms, bridge p50 ${p(bridge, 50)} / p99 ${p(bridge, 99)} ms`;
}

/** The `all N:` line, then one line per kind (in order of first appearance), kinds padded to `kindWidth`. */
export function printLatencyByKind(samples: readonly LatencySample[], kindWidth: number): void {
  console.log(`    all ${samples.length}: ${latencyLine(samples)}`);
  for (const kind of new Set(samples.map((s) => s.kind))) {
    console.log(`      ${kind.padEnd(kindWidth)} ${latencyLine(samples.filter((s) => s.kind === kind))}`);
  }
}

/** `per change, bridge minus bare: p50 .. ms, p99 .. ms` and the differences themselves. */
export function bridgeMinusBare(samples: readonly LatencySample[]): { line: string; diffs: number[] } {
  const diffs = samples.map((s) => s.bridge - s.bare);
  return { line: `per change, bridge minus bare: p50 ${p(diffs, 50)} ms, p99 ${p(diffs, 99)} ms`, diffs };
}

/** The bridge's p99 minus the bare watcher's p99. */
export function addedAtP99(samples: readonly LatencySample[]): number {
  return (
    percentile(
      samples.map((s) => s.bridge),
      99,
    ) -
    percentile(
      samples.map((s) => s.bare),
      99,
    )
  );
}

/** `bridge adds .. ms at p99 over the <bare> (target <= 20 ms: MET|MISSED)` */
export function addedAtP99Verdict(added: number, bare: string): string {
  return `bridge adds ${fmtMs(added)} ms at p99 over the ${bare} (target <= 20 ms: ${verdict(added <= 20)})`;
}

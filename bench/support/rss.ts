/** Resident set size of another process, sampled from /proc (Linux), for the soak bench. */
import { readFileSync } from 'node:fs';

/** VmRSS of `pid` in MiB, or undefined when /proc cannot tell (not Linux, process gone). */
export function rssMiB(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export interface RssSample {
  /** Seconds since the load started. */
  readonly t: number;
  readonly mib: number;
}

/** Samples `pid` every `everyMs` until stopped. */
export class RssSampler {
  readonly samples: RssSample[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(pid: number, t0: number, everyMs: number) {
    const take = (): void => {
      const mib = rssMiB(pid);
      if (mib !== undefined) this.samples.push({ t: (performance.now() - t0) / 1000, mib });
    };
    take();
    this.timer = setInterval(take, everyMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Mean of the samples taken in [from, to) seconds. */
  meanBetween(from: number, to: number): number | undefined {
    const xs = this.samples.filter((s) => s.t >= from && s.t < to).map((s) => s.mib);
    return xs.length === 0 ? undefined : xs.reduce((a, b) => a + b, 0) / xs.length;
  }
}

/** What a bare cold-start reader saw, and the one line a bare child prints when it saw all of it. */

export interface Seen {
  readonly services: number;
  readonly instances: number;
}

/** The line a bare child prints just before `done`: its CPU time so far (all threads), in ms. */
export function cpuLine(): string {
  const u = process.cpuUsage();
  return `cpu ${((u.user + u.system) / 1000).toFixed(1)}`;
}

export function doneLine(seen: Seen): string {
  return `done ${seen.services} ${seen.instances}`;
}

/** What is wrong when `seen` is not `expected`; undefined when it is. */
export function seenMismatch(seen: Seen, expected: Seen): string | undefined {
  if (seen.services === expected.services && seen.instances === expected.instances) return undefined;
  return `saw ${seen.services} services, ${seen.instances} instances; expected ${expected.services}, ${expected.instances}`;
}

/** Throws when `seen` is not `expected`. */
export function assertSeen(seen: Seen, expected: Seen, who: string): void {
  const wrong = seenMismatch(seen, expected);
  if (wrong !== undefined) throw new Error(`${who}: ${wrong}`);
}

/**
 * Prints the `cpu` and `done` lines when `seen` is `expected`; otherwise says
 * what was missing on stderr and sets exit code 1.
 */
export function reportSeen(seen: Seen, expected: Seen): void {
  const wrong = seenMismatch(seen, expected);
  if (wrong === undefined) {
    console.log(cpuLine());
    console.log(doneLine(seen));
  } else {
    console.error(wrong);
    process.exitCode = 1;
  }
}

/** `<services> <instances>` from the last two arguments. */
export function expectedFromArgs(argv: readonly string[]): Seen {
  const n = (i: number): number => {
    const v = Number(argv[argv.length - i]);
    if (!Number.isInteger(v) || v < 0) throw new Error(`bad count argument: ${argv[argv.length - i]}`);
    return v;
  };
  return { services: n(2), instances: n(1) };
}

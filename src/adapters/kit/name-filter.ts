/** Kit: include/exclude glob patterns that select registry service names. */

/**
 * Shell-style name patterns for `services.include` / `services.exclude`:
 * `*` matches any run of characters, `?` one character, everything else is
 * literal. Matching is case-sensitive (registries keep the case of names).
 */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (const ch of pattern) {
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else source += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

/** Selects names by include and exclude patterns; exclude wins. */
export class NameFilter {
  private readonly include: readonly RegExp[];
  private readonly exclude: readonly RegExp[];

  constructor(include: readonly string[], exclude: readonly string[]) {
    this.include = include.map(globToRegExp);
    this.exclude = exclude.map(globToRegExp);
  }

  matches(name: string): boolean {
    return this.include.some((r) => r.test(name)) && !this.exclude.some((r) => r.test(name));
  }
}

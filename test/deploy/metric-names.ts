/** Metric names queried by a dashboard or rule text, and the names a /metrics page exports. */

/** Prefixes of the metrics the bridge exports itself (irb_*) or through prom-client's defaults. */
const QUERIED = /\b(?:irb|process|nodejs)_[a-z0-9_]*[a-z0-9]\b/g;

/** Every irb_*, process_* and nodejs_* name in `text` (PromQL, a dashboard's JSON), sorted. */
export function queriedMetricNames(text: string): string[] {
  return [...new Set(text.match(QUERIED) ?? [])].sort();
}

/**
 * The names a Prometheus text page exports: each `# HELP`/`# TYPE` name and
 * each sample's name; a histogram or summary also exports NAME_bucket,
 * NAME_sum and NAME_count, which a query may name before any sample exists.
 */
export function exportedMetricNames(page: string): Set<string> {
  const names = new Set<string>();
  for (const line of page.split('\n')) {
    const meta = /^# (HELP|TYPE) (\S+)(?: (\S+))?/.exec(line);
    if (meta) {
      const name = meta[2]!;
      names.add(name);
      if (meta[1] === 'TYPE' && (meta[3] === 'histogram' || meta[3] === 'summary')) {
        for (const suffix of ['_sum', '_count', ...(meta[3] === 'histogram' ? ['_bucket'] : [])]) {
          names.add(name + suffix);
        }
      }
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line);
    if (sample) names.add(sample[1]!);
  }
  return names;
}

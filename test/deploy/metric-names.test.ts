import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { exportedMetricNames, queriedMetricNames } from './metric-names.js';

describe('metric names of dashboards and rules', () => {
  test('queried names: irb_, process_ and nodejs_ names from PromQL, once each, no other metric', () => {
    const text =
      'histogram_quantile(0.99, sum by (le) (rate(irb_xds_push_latency_seconds_bucket{pod=~"$pod"}[5m])))' +
      ' / process_resident_memory_bytes + nodejs_heap_size_used_bytes + up{job="x"}' +
      ' + irb_registry_stale{registry="a"} + irb_registry_stale + my_process_x';
    assert.deepEqual(queriedMetricNames(text), [
      'irb_registry_stale',
      'irb_xds_push_latency_seconds_bucket',
      'nodejs_heap_size_used_bytes',
      'process_resident_memory_bytes',
    ]);
  });

  test('exported names: HELP/TYPE lines count, and a histogram exports its _bucket, _sum and _count', () => {
    const page = [
      '# HELP irb_xds_nacks_total NACKs',
      '# TYPE irb_xds_nacks_total counter',
      '# HELP irb_xds_push_latency_seconds latency',
      '# TYPE irb_xds_push_latency_seconds histogram',
      'process_resident_memory_bytes 123',
      'irb_resources{kind="ServiceEntry"} 3',
      '',
    ].join('\n');
    const names = exportedMetricNames(page);
    for (const n of [
      'irb_xds_nacks_total',
      'irb_xds_push_latency_seconds_bucket',
      'irb_xds_push_latency_seconds_count',
      'process_resident_memory_bytes',
      'irb_resources',
    ]) {
      assert.ok(names.has(n), n);
    }
    assert.ok(!names.has('irb_xds_nacks_total_bucket'));
    assert.ok(!names.has('irb_registry_stale'));
  });
});

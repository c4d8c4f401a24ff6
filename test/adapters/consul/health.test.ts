import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateStatus, isHealthy } from '../../../src/adapters/consul/health.js';

describe('consul check aggregation and health policy', () => {
  const cases: [unknown[], string][] = [
    [[], 'passing'],
    [['passing'], 'passing'],
    [['passing', 'warning'], 'warning'],
    [['warning', 'critical'], 'critical'],
    [['critical', 'warning'], 'critical'],
    [['passing', 'maintenance'], 'critical'],
    [[undefined], 'critical'],
  ];
  for (const [statuses, expected] of cases) {
    test(`checks ${JSON.stringify(statuses)} aggregate to ${expected}`, () => {
      assert.equal(aggregateStatus(statuses), expected);
    });
  }

  test('policy "passing" serves only passing', () => {
    assert.deepEqual(
      (['passing', 'warning', 'critical'] as const).map((s) => isHealthy(s, 'passing')),
      [true, false, false],
    );
  });

  test('policy "passing+warning" serves passing and warning', () => {
    assert.deepEqual(
      (['passing', 'warning', 'critical'] as const).map((s) => isHealthy(s, 'passing+warning')),
      [true, true, false],
    );
  });

  test('policy "any" serves every instance', () => {
    assert.deepEqual(
      (['passing', 'warning', 'critical'] as const).map((s) => isHealthy(s, 'any')),
      [true, true, true],
    );
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff } from '../../../src/adapters/kit/backoff.js';

describe('kit: back-off', () => {
  test('doubles up to the maximum and is jittered into [base/2, base]', () => {
    const low = new Backoff(100, 1_000, () => 0);
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map(() => low.next()),
      [50, 100, 200, 400, 500, 500],
    );
    const high = new Backoff(100, 1_000, () => 1);
    assert.deepEqual(
      [1, 2, 3].map(() => high.next()),
      [100, 200, 400],
    );
    assert.equal(high.attempts, 3);
    high.reset();
    assert.equal(high.attempts, 0);
    assert.equal(high.next(), 100);
  });

  test('many attempts do not overflow past the maximum', () => {
    const b = new Backoff(1, 5_000, () => 1);
    for (let i = 0; i < 100; i++) b.next();
    assert.equal(b.next(), 5_000);
  });
});

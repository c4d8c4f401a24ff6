import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIndex, stepIndex } from '../../../src/adapters/consul/blocking-index.js';

describe('consul blocking index handling', () => {
  test('the first answer is applied and its index kept', () => {
    assert.deepEqual(stepIndex(0n, '42'), { next: 42n, changed: true, reset: false });
  });

  test('the same index means the wait timed out: nothing to apply', () => {
    assert.deepEqual(stepIndex(42n, '42'), { next: 42n, changed: false, reset: false });
  });

  test('a higher index is applied', () => {
    assert.deepEqual(stepIndex(42n, '43'), { next: 43n, changed: true, reset: false });
  });

  test('an index that goes backwards resets to 0 and is applied', () => {
    assert.deepEqual(stepIndex(42n, '7'), { next: 0n, changed: true, reset: true });
  });

  test('an index of 0 from Consul becomes 1 so the next query blocks instead of spinning', () => {
    assert.deepEqual(stepIndex(0n, '0'), { next: 1n, changed: true, reset: false });
    assert.equal(stepIndex(42n, '0').next, 1n);
  });

  test('a missing or unreadable header applies the body and asks again without blocking', () => {
    assert.deepEqual(stepIndex(42n, undefined), { next: 0n, changed: true, reset: false });
    assert.deepEqual(stepIndex(42n, 'abc'), { next: 0n, changed: true, reset: false });
    assert.deepEqual(stepIndex(42n, '-5'), { next: 0n, changed: true, reset: false });
  });

  test('indexes beyond 2^53 are compared exactly', () => {
    assert.deepEqual(stepIndex(9007199254740993n, '9007199254740993'), {
      next: 9007199254740993n,
      changed: false,
      reset: false,
    });
    assert.equal(parseIndex('18446744073709551615'), 18446744073709551615n);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { durationMs, MAX_DURATION_MS } from '../../src/util/duration.js';

describe('durationMs', () => {
  test('accepts up to 2^31-1 ms and refuses longer, saying the maximum', () => {
    assert.equal(durationMs.parse('596h'), 596 * 3_600_000);
    assert.equal(durationMs.parse(MAX_DURATION_MS), MAX_DURATION_MS);
    for (const v of ['600h', MAX_DURATION_MS + 1, '2147483648ms', '36000m']) {
      const res = durationMs.safeParse(v);
      assert.equal(res.success, false, String(v));
      assert.match(res.error.issues[0]!.message, /too long: the maximum is 2147483647ms/);
    }
  });
});

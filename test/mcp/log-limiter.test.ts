import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LogLimiter, truncate } from '../../src/mcp/log-limiter.js';

describe('LogLimiter', () => {
  test('one line per kind per interval, then the number left out', () => {
    let now = 0;
    const l = new LogLimiter(1000, () => now);
    assert.equal(l.take('nack'), 0);
    assert.equal(l.take('nack'), undefined);
    assert.equal(l.take('nack'), undefined);
    assert.equal(l.take('other'), 0, 'kinds are counted apart');
    now = 999;
    assert.equal(l.take('nack'), undefined);
    now = 1000;
    assert.equal(l.take('nack'), 3);
    assert.equal(l.take('nack'), undefined);
  });

  test('truncate keeps short text and says how much of long text was cut', () => {
    assert.equal(truncate('abc', 3), 'abc');
    assert.equal(truncate('abcdef', 3), 'abc…(3 more characters)');
  });
});

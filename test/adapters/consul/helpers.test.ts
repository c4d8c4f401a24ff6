import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { toDns1123Label as toDnsLabel } from '../../../src/convert/naming.js';
import { sharedWaitMs } from '../../../src/adapters/consul/semaphore.js';

describe('consul adapter helpers', () => {
  test('DNS labels: lower case, invalid characters to "-", at most 63 characters', () => {
    assert.equal(toDnsLabel('Web_API.v2'), 'web-api-v2');
    assert.equal(toDnsLabel('web'), 'web');
    assert.match(toDnsLabel('x'.repeat(70)), /^x{54}-[0-9a-f]{8}$/);
    assert.match(toDnsLabel('___'), /^x-[0-9a-f]{8}$/);
  });

  test('shared wait: full wait while watches fit the slots; one round takes about the wait otherwise', () => {
    assert.equal(sharedWaitMs(60_000, 100, 100), 60_000);
    assert.equal(sharedWaitMs(60_000, 100, 1_000), 6_000);
    assert.equal(sharedWaitMs(60_000, 100, 100_000), 250);
    assert.equal(sharedWaitMs(5_000, 50, 1_000), 250);
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FirstSync } from '../../../src/adapters/kit/first-sync.js';

describe('kit: first-sync gate', () => {
  test('fires once, after arm(), when every expectation has settled', () => {
    let fired = 0;
    const sync = new FirstSync(() => fired++);
    const a = sync.expect();
    const b = sync.expect();
    a();
    a(); // settling twice counts once
    assert.equal(fired, 0);
    b();
    assert.equal(fired, 0, 'not armed yet: more may be expected');
    sync.arm();
    assert.equal(fired, 1);
    assert.equal(sync.synced, true);
    const late = sync.expect();
    late();
    sync.arm();
    assert.equal(fired, 1, 'never fires twice');
  });

  test('expectations added after arm() hold the sync back until they settle', () => {
    let fired = 0;
    const sync = new FirstSync(() => fired++);
    const catalog = sync.expect();
    sync.arm();
    const service = sync.expect(); // found by the catalog's first answer
    catalog();
    assert.equal(fired, 0);
    service();
    assert.equal(fired, 1);
  });

  test('arm() with nothing expected fires at once', () => {
    let fired = 0;
    const sync = new FirstSync(() => fired++);
    sync.arm();
    assert.equal(fired, 1);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WriteBudget } from '../../src/mcp/write-budget.js';

const MB = 1024 * 1024;

describe('WriteBudget', () => {
  test('small responses never wait, and one large response always goes whatever its size', () => {
    const b = new WriteBudget(10 * MB, 1 * MB);
    assert.equal(b.mayStart(40 * MB), true);
    b.started(40 * MB);
    assert.equal(b.mayStart(512 * 1024), true);
    assert.equal(b.mayStart(2 * MB), false);
  });

  test('large responses start while those in flight stay under the limit', () => {
    const b = new WriteBudget(24 * MB, 1 * MB);
    b.started(11 * MB);
    assert.equal(b.mayStart(11 * MB), true);
    b.started(11 * MB);
    assert.equal(b.mayStart(11 * MB), true);
    b.started(11 * MB);
    assert.equal(b.mayStart(11 * MB), false);
  });

  test('a finished write wakes waiting streams in arrival order while there is room, each once', () => {
    const b = new WriteBudget(20 * MB, 1 * MB);
    b.started(30 * MB);
    const woken: string[] = [];
    const wake = (name: string, size: number) => (): void => {
      woken.push(name);
      b.started(size);
    };
    const first = wake('first', 15 * MB);
    b.wait(first);
    b.wait(first);
    b.wait(wake('second', 15 * MB));
    b.wait(wake('third', 15 * MB));
    b.finished(30 * MB);
    // first starts (0 in flight), second too (15 < 20), third waits (30 >= 20).
    assert.deepEqual(woken, ['first', 'second']);
    assert.equal(b.streamsWaiting, 1);
    b.finished(15 * MB);
    assert.deepEqual(woken, ['first', 'second', 'third']);
    assert.equal(b.streamsWaiting, 0);
  });

  test('a cancelled waiter (its stream closed) is never woken', () => {
    const b = new WriteBudget(1 * MB, 1 * MB);
    b.started(5 * MB);
    let woken = false;
    const w = (): void => {
      woken = true;
    };
    b.wait(w);
    b.cancel(w);
    b.finished(5 * MB);
    assert.equal(woken, false);
    assert.equal(b.bytesInFlight, 0);
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Gate } from '../../../src/adapters/kit/gate.js';

describe('kit: gate', () => {
  test('releases its waiters when opened, aborted waiters get false, and each closure counts once', async () => {
    const gate = new Gate();
    assert.equal(gate.epoch, 0);
    gate.close();
    gate.close();
    assert.equal(gate.epoch, 1);
    assert.equal(gate.open, false);
    const ac = new AbortController();
    const a = gate.wait(new AbortController().signal);
    const b = gate.wait(ac.signal);
    ac.abort();
    assert.equal(await b, false);
    gate.openUp();
    assert.equal(await a, true);
    assert.equal(await gate.wait(new AbortController().signal), true);
    gate.close();
    assert.equal(gate.epoch, 2);
  });
});

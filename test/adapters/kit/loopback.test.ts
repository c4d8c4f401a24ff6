import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isLoopbackHost } from '../../../src/adapters/kit/loopback.js';

describe('isLoopbackHost', () => {
  test('loopback names and addresses, as URL.hostname gives them, are this host', () => {
    for (const h of [
      'localhost',
      'LOCALHOST',
      'consul.localhost',
      '127.0.0.1',
      '127.1.2.3',
      '[::1]',
      '::1',
    ]) {
      assert.equal(isLoopbackHost(h), true, h);
    }
  });
  test('other hosts and addresses are not', () => {
    for (const h of [
      'consul.service',
      '10.0.0.1',
      '128.0.0.1',
      '[::2]',
      'localhost.example.com',
      '127.example',
    ]) {
      assert.equal(isLoopbackHost(h), false, h);
    }
  });
});

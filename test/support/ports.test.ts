import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { freePorts } from './ports.js';

describe('test support: free ports', () => {
  test('freePorts gives as many different ports as asked, each free to listen on', async () => {
    const ports = await freePorts(20);
    assert.equal(ports.length, 20);
    assert.equal(new Set(ports).size, 20);
    for (const port of ports) {
      await new Promise<void>((resolve, reject) => {
        const srv = createServer();
        srv.once('error', reject);
        srv.listen(port, '127.0.0.1', () => srv.close(() => resolve()));
      });
    }
  });
});

/**
 * The admin port answers a request it cannot parse with 400, as HTTP says,
 * never with a 500 and a stack trace in the log.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { AdminServer } from '../../src/admin/server.js';
import { ResourceStore } from '../../src/store/resource-store.js';
import { PrometheusTelemetry } from '../../src/telemetry/prometheus.js';
import { memoryLogger } from '../support/memory-logger.js';

/** Writes `request` as is on a raw socket and returns the response's status line. */
function rawStatusLine(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    let got = '';
    sock.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      const end = got.indexOf('\r\n');
      if (end >= 0) {
        sock.destroy();
        resolve(got.slice(0, end));
      }
    });
    sock.on('error', reject);
    sock.on('close', () => resolve(got.split('\r\n')[0] ?? ''));
    sock.write(request);
  });
}

describe('admin server request targets', () => {
  const log = memoryLogger();
  const admin = new AdminServer({
    store: new ResourceStore(),
    metrics: new PrometheusTelemetry(),
    registries: () => [],
    conflicts: () => [],
    hostConflicts: () => [],
    clients: () => [],
    logger: log.logger,
  });
  let port = 0;
  before(async () => {
    port = await admin.listen('127.0.0.1:0');
  });
  after(() => admin.close());

  for (const target of ['//%zz', '//[', '//a b@c']) {
    test(`GET ${target} is a 400, not a 500`, async () => {
      const line = await rawStatusLine(
        port,
        `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      );
      assert.match(line, /^HTTP\/1\.1 400 /);
      assert.doesNotMatch(log.text(), /admin request failed/);
    });
  }

  test('an ordinary path still works after them', async () => {
    const line = await rawStatusLine(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.equal(line, 'HTTP/1.1 200 OK');
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { BridgeError } from '../../src/errors.js';
import { openSotw, type ClientTls } from '../../src/mcp/client.js';
import { AdsServer } from '../../src/mcp/server.js';
import { xdsServerCredentials } from '../../src/mcp/tls.js';
import { ResourceStore } from '../../src/store/resource-store.js';
import { noTelemetry } from '../../src/telemetry/telemetry.js';
import { silentLogger } from '../support/bridge.js';
import { makeTestPki, type TestPki } from '../support/certs.js';

const SE = 'networking.istio.io/v1/ServiceEntry';

async function answered(address: string, tls?: ClientTls): Promise<boolean> {
  const s = openSotw(address, tls);
  try {
    s.send({ typeUrl: SE, responseNonce: 'x' });
    await s.next(3000);
    return true;
  } catch {
    return false;
  } finally {
    s.close();
  }
}

describe('xDS over TLS', () => {
  let pki: TestPki;
  const servers: AdsServer[] = [];
  before(() => {
    pki = makeTestPki();
  });
  after(async () => {
    for (const s of servers) await s.close(200);
  });

  async function start(tls: Parameters<typeof xdsServerCredentials>[0]): Promise<string> {
    const store = new ResourceStore();
    store.markComplete();
    const server = new AdsServer(store, noTelemetry, silentLogger, {
      debounceMs: 0,
      maxDelayMs: 100,
      delta: true,
    });
    servers.push(server);
    const port = await server.listen('127.0.0.1:0', xdsServerCredentials(tls, pki.dir));
    return `127.0.0.1:${port}`;
  }

  test('with a certificate, a client trusting the CA is answered and a plaintext client is not', async () => {
    const address = await start({ certFile: 'server.pem', keyFile: 'server.key' });
    assert.equal(await answered(address, { ca: pki.ca }), true);
    assert.equal(await answered(address), false);
  });

  test('with a client CA, only clients presenting a certificate it signed are answered', async () => {
    const address = await start({ certFile: 'server.pem', keyFile: 'server.key', clientCaFile: 'ca.pem' });
    assert.equal(await answered(address, { ca: pki.ca }), false);
    const cert = readFileSync(pki.clientCert);
    const key = readFileSync(pki.clientKey);
    assert.equal(await answered(address, { ca: pki.ca, cert, key }), true);
  });

  test('a missing key file is a typed error naming the key', () => {
    assert.throws(
      () => xdsServerCredentials({ certFile: 'server.pem', keyFile: 'nope.key' }, pki.dir),
      (err: unknown) =>
        err instanceof BridgeError && err.code === 'IRB_XDS_TLS' && /xds\.tls\.keyFile/.test(err.message),
    );
  });
});

import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BridgeError } from '../../src/errors.js';
import type { ClientTls } from '../../src/mcp/client.js';
import { AdsServer } from '../../src/mcp/server.js';
import { loadXdsTls, xdsServerCredentials } from '../../src/mcp/tls.js';
import { ResourceStore } from '../../src/store/resource-store.js';
import { noTelemetry } from '../../src/telemetry/telemetry.js';
import { eventually, silentLogger } from '../support/bridge.js';
import { memoryLogger } from '../support/memory-logger.js';
import { makeTestPki, type TestPki } from '../support/certs.js';
import { freePort } from '../support/ports.js';
import { assertRefused, requestOutcome } from '../support/tls-probe.js';

const SE = 'networking.istio.io/v1/ServiceEntry';

const answered = async (address: string, tls?: ClientTls): Promise<void> =>
  assert.deepEqual(await requestOutcome(address, SE, tls), { kind: 'answered' });

describe('xDS over TLS', () => {
  let pki: TestPki;
  const servers: AdsServer[] = [];
  before(() => {
    pki = makeTestPki();
  });
  after(async () => {
    for (const s of servers) await s.close(200);
  });

  async function start(tls: Parameters<typeof xdsServerCredentials>[0], gate = true): Promise<string> {
    const store = new ResourceStore();
    if (gate) store.markComplete();
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
    await answered(address, { ca: pki.ca });
    // The HTTP/2 preface of a plaintext client is not a TLS ClientHello: the connection is dropped.
    await assertRefused(address, SE, undefined, /Failed to connect/);
    await answered(address, { ca: pki.ca });
  });

  test('with a client CA, only clients presenting a certificate it signed are answered', async () => {
    const address = await start({ certFile: 'server.pem', keyFile: 'server.key', clientCaFile: 'ca.pem' });
    await assertRefused(address, SE, { ca: pki.ca }, /certificate required/);
    await assertRefused(address, SE, undefined, /Failed to connect/);
    const cert = readFileSync(pki.clientCert);
    const key = readFileSync(pki.clientKey);
    await answered(address, { ca: pki.ca, cert, key });
  });

  test('negative control: a held request or a closed port is not taken for a refusal', async () => {
    // Plaintext server, gate closed: the connection works, the ServiceEntry request is held.
    const held = await start(undefined, false);
    const outcome = await requestOutcome(held, SE, undefined, 300);
    assert.ok(
      outcome.kind === 'error' && outcome.code === undefined,
      `a read timeout carries no gRPC status: ${JSON.stringify(outcome)}`,
    );
    await assert.rejects(assertRefused(held, SE, undefined, /./, 300), /UNAVAILABLE/);
    const closed = `127.0.0.1:${await freePort()}`;
    await assert.rejects(assertRefused(closed, SE, undefined, /./), /accepts TCP connections/);
  });

  test('a missing key file is a typed error naming the key', () => {
    assert.throws(
      () => xdsServerCredentials({ certFile: 'server.pem', keyFile: 'nope.key' }, pki.dir),
      (err: unknown) =>
        err instanceof BridgeError && err.code === 'IRB_XDS_TLS' && /xds\.tls\.keyFile/.test(err.message),
    );
  });

  const tlsError = (re: RegExp) => (err: unknown) =>
    err instanceof BridgeError && err.code === 'IRB_XDS_TLS' && re.test(err.message);

  test('a clientCaFile that is not PEM is refused at start, naming the file', () => {
    writeFileSync(join(pki.dir, 'garbage-ca.pem'), 'this is not a certificate\n');
    assert.throws(
      () =>
        xdsServerCredentials(
          { certFile: 'server.pem', keyFile: 'server.key', clientCaFile: 'garbage-ca.pem' },
          pki.dir,
        ),
      tlsError(/xds\.tls\.clientCaFile \(.*garbage-ca\.pem\) holds no PEM certificate/),
    );
  });

  test('a certFile or keyFile that is not PEM is refused at start, naming the file', () => {
    writeFileSync(join(pki.dir, 'garbage.pem'), Buffer.from([0x30, 0x82, 0x01, 0x00, 0xff]));
    assert.throws(
      () => xdsServerCredentials({ certFile: 'garbage.pem', keyFile: 'server.key' }, pki.dir),
      tlsError(/xds\.tls\.certFile .*holds no PEM certificate/),
    );
    assert.throws(
      () => xdsServerCredentials({ certFile: 'server.pem', keyFile: 'garbage.pem' }, pki.dir),
      tlsError(/xds\.tls\.keyFile .*is not a PEM private key/),
    );
  });

  test('a key that does not belong to the certificate is refused at start', () => {
    assert.throws(
      () => xdsServerCredentials({ certFile: 'server.pem', keyFile: 'client.key' }, pki.dir),
      tlsError(/xds\.tls\.keyFile .*does not belong to the certificate in xds\.tls\.certFile/),
    );
  });

  test('new files are swapped in without a restart; a bad new file is logged and the old material kept', async () => {
    const other = makeTestPki();
    const dir = makeTestPki().dir; // a directory of its own, its files replaced below
    for (const f of ['server.pem', 'server.key']) copyFileSync(join(pki.dir, f), join(dir, f));
    const log = memoryLogger();
    const tls = loadXdsTls({ certFile: 'server.pem', keyFile: 'server.key' }, dir, {
      logger: log.logger,
      pollMs: 50,
    });
    try {
      const store = new ResourceStore();
      store.markComplete();
      const server = new AdsServer(store, noTelemetry, silentLogger, {
        debounceMs: 0,
        maxDelayMs: 100,
        delta: true,
      });
      servers.push(server);
      const address = `127.0.0.1:${await server.listen('127.0.0.1:0', tls.credentials)}`;
      await answered(address, { ca: pki.ca });
      // A bad certificate: logged, the old one stays in use.
      writeFileSync(join(dir, 'server.pem'), 'garbage');
      await eventually(() => (log.text().includes('cannot be used') ? true : undefined));
      await answered(address, { ca: pki.ca });
      // The other PKI's certificate and key: new connections are served with it.
      copyFileSync(join(other.dir, 'server.key'), join(dir, 'server.key'));
      copyFileSync(join(other.dir, 'server.pem'), join(dir, 'server.pem'));
      await eventually(() => (log.text().includes('reloaded') ? true : undefined));
      await eventually(async () =>
        (await requestOutcome(address, SE, { ca: other.ca }, 2000)).kind === 'answered' ? true : undefined,
      );
      await assertRefused(address, SE, { ca: pki.ca }, /./);
    } finally {
      tls.stop();
    }
  });
});

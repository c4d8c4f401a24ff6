/**
 * The eureka adapter against a real Eureka server serving HTTPS only and
 * asking for client certificates (Spring Boot's PEM SSL settings): caFile,
 * certFile/keyFile and insecureSkipVerify as a user would set them.
 */
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { BridgeError } from '../../../src/errors.js';
import { makeTestPki, type TestPki } from '../../support/certs.js';
import { describeWithEureka, EurekaServer } from '../../support/eureka.js';
import { Adapters, sleep } from './harness.js';

const CONVERGE_MS = 15_000;

describeWithEureka('eureka adapter against a Eureka server with TLS and client certificates', (fixture) => {
  let server: EurekaServer;
  let pki: TestPki;
  const adapters = new Adapters();

  before(async () => {
    pki = makeTestPki();
    server = await EurekaServer.start(fixture, {
      tls: {
        cert: pki.serverCert,
        key: pki.serverKey,
        clientCa: pki.caFile,
        client: { ca: pki.ca, cert: readFileSync(pki.clientCert), key: readFileSync(pki.clientKey) },
      },
    });
    await server.register({ app: 'tls-app', id: 'tls-1', ip: '10.4.0.1' });
  });
  afterEach(() => adapters.stopAll());
  after(async () => {
    await server?.stop();
    if (pki) rmSync(pki.dir, { recursive: true, force: true });
  });

  test('caFile with a client certificate and key: synced and served over https', async () => {
    assert.match(server.address, /^https:/);
    const { sink } = await adapters.start(
      { address: server.address, caFile: 'ca.pem', certFile: 'client.pem', keyFile: 'client.key' },
      pki.dir,
    );
    await sink.waitFor('synced()', () => sink.isSynced, CONVERGE_MS);
    assert.equal(sink.healthyCount('TLS-APP'), 1);
  });

  test('without the CA the server certificate is refused: stale, never synced', async () => {
    const { sink } = await adapters.start(
      { address: server.address, certFile: 'client.pem', keyFile: 'client.key' },
      pki.dir,
    );
    await sink.waitFor('setStale(true)', () => sink.isStale, CONVERGE_MS);
    const err = sink.lastError;
    assert.ok(err instanceof BridgeError && err.code === 'IRB_REGISTRY_UNREACHABLE', String(err));
    assert.match(err.message, /certificate/i);
    await sleep(500);
    assert.equal(sink.isSynced, false);
  });

  test('without a client certificate the server refuses the connection: stale, never synced', async () => {
    const { sink } = await adapters.start({ address: server.address, caFile: 'ca.pem' }, pki.dir);
    await sink.waitFor('setStale(true)', () => sink.isStale, CONVERGE_MS);
    await sleep(500);
    assert.equal(sink.isSynced, false);
    assert.equal(sink.services.size, 0);
  });

  test('insecureSkipVerify accepts the unknown CA (and warns)', async () => {
    const { sink, logs } = await adapters.start(
      { address: server.address, insecureSkipVerify: true, certFile: 'client.pem', keyFile: 'client.key' },
      pki.dir,
    );
    await sink.waitFor('synced()', () => sink.isSynced, CONVERGE_MS);
    assert.match(logs(), /TLS certificate verification is off/);
  });
});

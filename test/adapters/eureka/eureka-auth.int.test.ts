/**
 * The eureka adapter against a real Eureka server that wants HTTP basic auth
 * (the fixture with fixture.auth.enabled): right, wrong and missing
 * credentials, and a password file fixed while the bridge runs.
 */
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BridgeError } from '../../../src/errors.js';
import { describeWithEureka, EurekaServer } from '../../support/eureka.js';
import { Adapters, sleep } from './harness.js';

const USER = 'bridge';
const PASSWORD = 'correct-horse-battery';
const CONVERGE_MS = 15_000;

describeWithEureka('eureka adapter against a Eureka server with basic auth', (fixture) => {
  let server: EurekaServer;
  let dir: string;
  const adapters = new Adapters();

  before(async () => {
    server = await EurekaServer.start(fixture, { auth: { user: USER, password: PASSWORD } });
    await server.register({ app: 'secured', id: 'sec-1', ip: '10.2.0.1' });
    dir = mkdtempSync(join(tmpdir(), 'irb-eureka-auth-'));
  });
  afterEach(() => adapters.stopAll());
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const passwordFile = (name: string, content: string): string => {
    writeFileSync(join(dir, name), `${content}\n`);
    return name;
  };

  test('the right username and passwordFile: synced and served', async () => {
    const { sink } = await adapters.start(
      { address: server.address, username: USER, passwordFile: passwordFile('right', PASSWORD) },
      dir,
    );
    await sink.waitFor('synced()', () => sink.isSynced, CONVERGE_MS);
    assert.equal(sink.healthyCount('SECURED'), 1);
    assert.equal(sink.isStale, false);
  });

  test('a wrong password: stale with IRB_REGISTRY_AUTH, never synced, the password never in a message', async () => {
    const { sink, logs } = await adapters.start(
      { address: server.address, username: USER, passwordFile: passwordFile('wrong', 'not-the-password') },
      dir,
    );
    await sink.waitFor('setStale(true)', () => sink.isStale, CONVERGE_MS);
    const err = sink.lastError;
    assert.ok(err instanceof BridgeError && err.code === 'IRB_REGISTRY_AUTH', String(err));
    assert.match(err.message, /refused \/eureka\/apps \(401\): check username and passwordFile/);
    await sleep(1000);
    assert.equal(sink.isSynced, false);
    assert.equal(sink.services.size, 0);
    assert.doesNotMatch(logs(), /not-the-password/);
  });

  test('no credentials against a server that wants them: IRB_REGISTRY_AUTH asking for username and passwordFile', async () => {
    const { sink } = await adapters.start({ address: server.address });
    await sink.waitFor('setStale(true)', () => sink.isStale, CONVERGE_MS);
    assert.match(sink.lastError?.message ?? '', /set username and passwordFile/);
    assert.equal(sink.isSynced, false);
  });

  test('a password file fixed while running is read again after the 401, and the bridge syncs', async () => {
    const file = passwordFile('rotating', 'old-password');
    const { sink } = await adapters.start(
      { address: server.address, username: USER, passwordFile: file },
      dir,
    );
    await sink.waitFor('setStale(true)', () => sink.isStale, CONVERGE_MS);
    passwordFile('rotating', PASSWORD);
    await sink.waitFor('synced()', () => sink.isSynced, CONVERGE_MS);
    assert.equal(sink.isStale, false);
    assert.equal(sink.healthyCount('SECURED'), 1);
  });
});

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BridgeError } from '../../../src/errors.js';
import { ConsulAgent, describeWithConsul } from '../../support/consul.js';
import { LONG_WAITS, sleep, startAdapter, STOP_LIMIT_MS, type RunningAdapter } from './harness.js';

const MASTER = 'b3a1d3c8-5e2f-4c1a-9d7e-000000000001';
const WRONG = 'b3a1d3c8-5e2f-4c1a-9d7e-00000000dead';
/** Read access to services and nodes only (no agent:read, so the datacenter comes from /v1/catalog/datacenters). */
const READER_RULES = 'service_prefix "" { policy = "read" }\nnode_prefix "" { policy = "read" }';

describeWithConsul('consul adapter against an ACL-enabled Consul agent', (bin) => {
  let consul: ConsulAgent;
  let readerToken: string;
  let dir: string;
  const running: RunningAdapter[] = [];
  const start = async (settings: Record<string, unknown>): Promise<RunningAdapter> => {
    const r = await startAdapter(consul.address, { services: { include: ['secure-*'] }, ...settings }, dir);
    running.push(r);
    return r;
  };

  before(async () => {
    consul = await ConsulAgent.start(bin, { aclMasterToken: MASTER });
    readerToken = await consul.createToken('bridge-reader', READER_RULES);
    await consul.registerService({ ID: 'secure-api-1', Name: 'secure-api', Address: '10.9.0.1', Port: 443 });
    dir = mkdtempSync(join(tmpdir(), 'irb-consul-acl-'));
  });
  after(async () => {
    for (const r of running) await r.stop();
    await consul?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('with a read token the registry syncs, and the token never appears in the logs', async () => {
    const r = await start({ token: readerToken });
    await r.sink.waitFor('synced', () => r.sink.isSynced);
    assert.equal(r.sink.services.get('dc1/secure-api')?.instances.length, 1);
    assert.equal(r.sink.isStale, false);
    assert.ok(!r.logs().includes(readerToken));
  });

  test('without a token the deny-by-default agent filters everything out: an empty sync, no crash', async () => {
    const r = await start({});
    await r.sink.waitFor('synced', () => r.sink.isSynced);
    assert.equal(r.sink.services.size, 0);
  });

  test('a wrong token gives IRB_REGISTRY_AUTH telling to check token/tokenFile, via setStale and the log', async () => {
    const r = await start({ token: WRONG, ...LONG_WAITS });
    await r.sink.waitFor('stale', () => r.sink.isStale);
    const err = r.sink.lastError;
    assert.ok(err instanceof BridgeError);
    assert.equal(err.code, 'IRB_REGISTRY_AUTH');
    assert.match(err.message, /403/);
    assert.match(err.message, /token\/tokenFile/);
    assert.ok(!err.message.includes(WRONG), 'the token is not in the message');
    await sleep(500);
    assert.equal(r.sink.isSynced, false);
    assert.match(r.logs(), /IRB_REGISTRY_AUTH/);
    assert.ok(!r.logs().includes(WRONG), 'the token is not logged');
    const stopMs = await r.stop();
    assert.ok(stopMs < STOP_LIMIT_MS, `stop took ${stopMs} ms (the back-off is 30 s)`);
  });

  test('tokenFile is read relative to the config folder and re-read after a 403 (token rotation)', async () => {
    writeFileSync(join(dir, 'consul.token'), `${WRONG}\n`);
    const r = await start({ tokenFile: 'consul.token' });
    await r.sink.waitFor('stale with the wrong token', () => r.sink.isStale);
    assert.equal((r.sink.lastError as BridgeError).code, 'IRB_REGISTRY_AUTH');
    writeFileSync(join(dir, 'consul.token'), `${readerToken}\n`);
    await r.sink.waitFor('synced after rotation', () => r.sink.isSynced && !r.sink.isStale);
    assert.equal(r.sink.services.get('dc1/secure-api')?.instances.length, 1);
    assert.ok(!r.logs().includes(readerToken) && !r.logs().includes(WRONG));
  });

  test('a missing tokenFile fails start() with a configuration error', async () => {
    await assert.rejects(
      startAdapter(consul.address, { tokenFile: 'does-not-exist.token' }, dir),
      (err: unknown) =>
        err instanceof BridgeError && err.code === 'IRB_CONFIG_INVALID' && /tokenFile/.test(err.message),
    );
  });
});

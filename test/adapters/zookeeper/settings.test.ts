import assert from 'node:assert/strict';
import { test } from 'node:test';
import { zookeeperSettingsSchema } from '../../../src/adapters/zookeeper/settings.js';

test('defaults: one local server, root /dubbo, /services, mode both, 30 s session', () => {
  const s = zookeeperSettingsSchema.parse({});
  assert.deepEqual(s.address, ['127.0.0.1:2181']);
  assert.equal(s.root, '/dubbo');
  assert.equal(s.servicesRoot, '/services');
  assert.equal(s.mode, 'both');
  assert.equal(s.sessionTimeout, 30_000);
  assert.equal(s.protocols.get('dubbo'), 'tcp');
  assert.equal(s.protocols.get('tri'), 'grpc');
});

test('address: a comma list or an array of host:port, IPv6 in brackets', () => {
  assert.deepEqual(zookeeperSettingsSchema.parse({ address: 'zk1:2181, zk2:2181' }).address, [
    'zk1:2181',
    'zk2:2181',
  ]);
  assert.deepEqual(zookeeperSettingsSchema.parse({ address: ['[::1]:2181', '10.0.0.1:2181'] }).address, [
    '[::1]:2181',
    '10.0.0.1:2181',
  ]);
  for (const bad of ['zk1', 'zk1:99999', '::1:2181', '', 'zk1:2181,zk1:2181']) {
    assert.equal(zookeeperSettingsSchema.safeParse({ address: bad }).success, false, bad);
  }
});

test('refused: bad root, unknown mode, session out of range, unknown keys and placeholders', () => {
  for (const bad of [
    { root: 'dubbo' },
    { root: '/dubbo/' },
    { mode: 'all' },
    { sessionTimeout: '100ms' },
    { nope: 1 },
    { hostTemplate: '{service}.dubbo' },
    { hostTemplate: '{group}.dubbo' },
    { protocols: { dubbo: 'carrier-pigeon' } },
    { auth: { scheme: 'sasl', file: 'x' } },
  ]) {
    assert.equal(zookeeperSettingsSchema.safeParse(bad).success, false, JSON.stringify(bad));
  }
  assert.equal(
    zookeeperSettingsSchema.safeParse({ hostTemplate: '{version}.{interface}.dubbo' }).success,
    true,
  );
});

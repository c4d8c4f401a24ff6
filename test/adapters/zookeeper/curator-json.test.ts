import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCuratorInstance } from '../../../src/adapters/zookeeper/curator-json.js';
import { GO_INSTANCE_JSON, RECORDED_INSTANCE_JSON } from './recorded.js';

function ok(json: string) {
  const r = parseCuratorInstance(Buffer.from(json));
  assert.ok('instance' in r, JSON.stringify(r));
  return r;
}

test('the Java form (payload.@class) recorded from Dubbo 3.3.6 gives every endpoint from dubbo.endpoints', () => {
  const { instance, warnings } = ok(RECORDED_INSTANCE_JSON);
  assert.equal(instance.name, 'irb-fixture-provider');
  assert.equal(instance.address, '192.0.2.2');
  assert.deepEqual(instance.endpoints, [
    { protocol: 'dubbo', port: 41001 },
    { protocol: 'tri', port: 41002 },
  ]);
  assert.equal(instance.metadata.get('meta-v'), '2.0.0');
  assert.deepEqual(warnings, []);
});

test("dubbo-go's slimmer form (no @class, sslPort, serviceType or uriSpec) parses the same way", () => {
  const { instance } = ok(GO_INSTANCE_JSON);
  assert.equal(instance.name, 'go-app');
  assert.deepEqual(instance.endpoints, [{ protocol: 'tri', port: 20000 }]);
  assert.equal(instance.metadata.get('zone'), 'z1');
});

test('without dubbo.endpoints the top-level port is used (protocol left to the default)', () => {
  const { instance } = ok('{"name":"a","id":"x","address":"10.0.0.1","port":9000,"payload":{"metadata":{}}}');
  assert.deepEqual(instance.endpoints, [{ protocol: '', port: 9000 }]);
});

test('a broken dubbo.endpoints falls back to the port with a warning', () => {
  const r = ok(
    '{"name":"a","address":"10.0.0.1","port":9000,"payload":{"metadata":{"dubbo.endpoints":"[oops"}}}',
  );
  assert.deepEqual(r.instance.endpoints, [{ protocol: '', port: 9000 }]);
  assert.equal(r.warnings.length, 1);
});

test('unusable instances are refused with a reason, never thrown', () => {
  for (const bad of [
    '',
    'not json',
    '[]',
    '{"name":"a"}',
    '{"address":"10.0.0.1"}',
    '{"address":"bad host!","port":1}',
  ]) {
    const r = parseCuratorInstance(Buffer.from(bad));
    assert.ok('error' in r, `${bad} should be refused`);
  }
  assert.ok('error' in parseCuratorInstance(Buffer.alloc(300 * 1024, 0x20)));
});

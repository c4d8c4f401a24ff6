import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseApplications, WIRE_LIMITS } from '../../../src/adapters/eureka/wire.js';
import { BridgeError } from '../../../src/errors.js';
import { recorded } from './recorded.js';

const one = (instance: unknown, name: unknown = 'DEMO'): unknown => ({
  applications: { apps__hashcode: 'UP_1_', application: { name, instance } },
});
const base = {
  instanceId: 'a-1',
  app: 'DEMO',
  ipAddr: '10.0.0.1',
  status: 'UP',
  port: { $: 8080, '@enabled': 'true' },
};

describe('eureka JSON reader', () => {
  test('reads a recorded full answer: ids, statuses, enabled ports, metadata without the @class artefact', () => {
    const apps = parseApplications(recorded('02-full'), 'test');
    assert.equal(apps.hashcode, 'OUT_OF_SERVICE_1_STARTING_1_UP_1_');
    assert.deepEqual(apps.issues, []);
    const byId = new Map(apps.instances.map((i) => [i.instanceId, i]));
    const demo2 = byId.get('demo-2')!;
    assert.equal(demo2.app, 'DEMO');
    assert.equal(demo2.status, 'OUT_OF_SERVICE');
    assert.equal(demo2.overriddenStatus, 'OUT_OF_SERVICE');
    assert.equal(demo2.port, 8080);
    assert.equal(demo2.securePort, undefined, 'securePort is disabled');
    assert.deepEqual([...demo2.metadata], [], 'the empty-map @class artefact is dropped');
    const pay = byId.get('i-0abc')!;
    assert.equal(pay.app, 'PAY_SVC');
    assert.equal(pay.port, 8080);
    assert.equal(pay.securePort, 8443);
    assert.equal(pay.availabilityZone, 'eu-west-1b');
    assert.equal(pay.vipAddress, 'pay,pay-v2');
    assert.equal(pay.metadata.get('configPath'), '/etc/pay config');
  });

  test('reads actionType from a recorded delta, DELETED included', () => {
    const apps = parseApplications(recorded('03-delta'), 'test');
    assert.deepEqual(apps.instances.map((i) => `${i.instanceId} ${i.actionType}`).sort(), [
      'demo-1 DELETED',
      'demo-2 MODIFIED',
      'i-0abc MODIFIED',
    ]);
  });

  test('accepts a lone object where a list is expected (Eureka 1.x servers)', () => {
    const apps = parseApplications(one(base), 'test');
    assert.equal(apps.instances.length, 1);
    assert.equal(apps.instances[0]!.instanceId, 'a-1');
  });

  test('an empty registry, with or without the application key, holds nothing', () => {
    for (const body of [
      { applications: { versions__delta: '1', apps__hashcode: '', application: [] } },
      { applications: { apps__hashcode: '' } },
    ]) {
      const apps = parseApplications(body, 'test');
      assert.equal(apps.hashcode, '');
      assert.deepEqual(apps.instances, []);
    }
  });

  test('ports: number or numeric string, flag as string or boolean; without a flag port is enabled, securePort not', () => {
    const cases: [unknown, number | undefined, number | undefined][] = [
      [{ $: 8080, '@enabled': 'true' }, 8080, 8080],
      [{ $: '8081', '@enabled': true }, 8081, 8081],
      [{ $: 8082, '@enabled': 'false' }, undefined, undefined],
      [{ $: 8083 }, 8083, undefined],
      [8084, 8084, undefined],
      [undefined, undefined, undefined],
    ];
    for (const [port, wantPort, wantSecure] of cases) {
      const apps = parseApplications(one({ ...base, port, securePort: port }), 'test');
      assert.equal(apps.instances[0]!.port, wantPort, `port ${JSON.stringify(port)}`);
      assert.equal(apps.instances[0]!.securePort, wantSecure, `securePort ${JSON.stringify(port)}`);
    }
  });

  test('an enabled port out of range is ignored and reported', () => {
    const apps = parseApplications(one({ ...base, port: { $: 70000, '@enabled': 'true' } }), 'test');
    assert.equal(apps.instances[0]!.port, undefined);
    assert.match(apps.issues[0]!.detail, /port 70000 is not 1-65535/);
  });

  test('an instance without instanceId falls back to the AWS instance-id, then hostName; without any it is skipped', () => {
    const noId = { ...base, instanceId: undefined };
    const aws = parseApplications(
      one({ ...noId, dataCenterInfo: { name: 'Amazon', metadata: { 'instance-id': 'i-9' } } }),
      'test',
    );
    assert.equal(aws.instances[0]!.instanceId, 'i-9');
    assert.equal(parseApplications(one({ ...noId, hostName: 'h1' }), 'test').instances[0]!.instanceId, 'h1');
    const none = parseApplications(one(noId), 'test');
    assert.equal(none.instances.length, 0);
    assert.match(none.issues[0]!.detail, /no instanceId and no hostName/);
  });

  test('app names are upper-cased; the application name wins over the instance’s app', () => {
    const apps = parseApplications(one({ ...base, app: 'other' }, 'my-app'), 'test');
    assert.equal(apps.instances[0]!.app, 'MY-APP');
    const fromInstance = parseApplications(one({ ...base, app: 'pay_svc' }, null), 'test');
    assert.equal(fromInstance.instances[0]!.app, 'PAY_SVC');
  });

  test('an unknown status counts as UNKNOWN', () => {
    const apps = parseApplications(one({ ...base, status: 'WEIRD', overriddenStatus: 'up' }), 'test');
    assert.equal(apps.instances[0]!.status, 'UNKNOWN');
    assert.equal(apps.instances[0]!.overriddenStatus, 'UP');
  });

  test('metadata keys from the registry stay data: __proto__ and constructor are plain entries', () => {
    const body = JSON.parse(
      `{"applications":{"application":{"name":"A","instance":{"instanceId":"x","ipAddr":"10.0.0.1","port":8080,"metadata":{"__proto__":"p","constructor":"c","ok":"1"}}}}}`,
    ) as unknown;
    const i = parseApplications(body, 'test').instances[0]!;
    assert.equal(i.metadata.get('__proto__'), 'p');
    assert.equal(i.metadata.get('constructor'), 'c');
    assert.equal(Object.getPrototypeOf({}), Object.prototype);
  });

  test('metadata over the limits is dropped and reported', () => {
    const metadata: Record<string, string> = {};
    for (let n = 0; n < WIRE_LIMITS.metadataEntries + 5; n++) metadata[`k${n}`] = 'v';
    metadata.big = 'x'.repeat(WIRE_LIMITS.metadataValueLength + 1);
    const apps = parseApplications(one({ ...base, metadata }), 'test');
    assert.equal(apps.instances[0]!.metadata.size, WIRE_LIMITS.metadataEntries);
    assert.match(apps.issues[0]!.detail, /6 metadata entries dropped/);
  });

  test('an answer without an applications object is IRB_EUREKA_BAD_RESPONSE', () => {
    for (const body of [null, [], { apps: [] }, { applications: 'x' }]) {
      assert.throws(
        () => parseApplications(body, 'test'),
        (err: unknown) => err instanceof BridgeError && err.code === 'IRB_EUREKA_BAD_RESPONSE',
      );
    }
  });

  test('non-object application and instance entries are skipped and reported', () => {
    const apps = parseApplications(
      { applications: { application: [42, { name: 'A', instance: ['x'] }] } },
      'test',
    );
    assert.equal(apps.instances.length, 0);
    assert.equal(apps.issues.length, 2);
  });
});

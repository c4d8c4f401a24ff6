import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deltaTimeoutMs } from '../../../src/adapters/eureka/adapter.js';
import { eurekaSettingsSchema } from '../../../src/adapters/eureka/settings.js';
import { adapterCatalog } from '../../../src/adapters/catalog/catalog.js';

const parse = (v: unknown): ReturnType<typeof eurekaSettingsSchema.parse> => eurekaSettingsSchema.parse(v);
function problems(v: unknown): string[] {
  const r = eurekaSettingsSchema.safeParse(v);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('eureka settings', () => {
  test('the type is registered in the catalog', () => {
    assert.equal(adapterCatalog.get('eureka')?.type, 'eureka');
  });

  test('defaults: one local server, refresh every 5s, UP only, http, 30s grace', () => {
    const s = parse({});
    assert.deepEqual(s.address, ['http://127.0.0.1:8761/eureka']);
    assert.equal(s.refreshInterval, 5000);
    assert.deepEqual(s.statuses, ['UP']);
    assert.equal(s.protocolDefault, 'http');
    assert.equal(s.emptyGracePeriod, 30_000);
    assert.deepEqual(s.services, { include: ['*'], exclude: [] });
    assert.equal(s.insecureSkipVerify, false);
    assert.equal(s.username, undefined);
  });

  test('address: a comma list or an array, trailing slashes dropped, order kept', () => {
    assert.deepEqual(parse({ address: 'http://a:8761/eureka/, https://b/ctx/eureka' }).address, [
      'http://a:8761/eureka',
      'https://b/ctx/eureka',
    ]);
    assert.deepEqual(parse({ address: ['http://b/eureka', 'http://a/eureka'] }).address, [
      'http://b/eureka',
      'http://a/eureka',
    ]);
  });

  test('address: must end in /eureka, be http(s), carry no credentials, and not repeat', () => {
    assert.match(problems({ address: 'http://a:8761' }).join(), /must end in \/eureka/);
    assert.match(problems({ address: 'ftp://a/eureka' }).join(), /http:\/\/ or https:\/\//);
    assert.match(problems({ address: 'http://u:p@a/eureka' }).join(), /username and passwordFile/);
    assert.match(problems({ address: 'http://a/eureka?x=1' }).join(), /no query/);
    assert.match(problems({ address: 'http://a/eureka,http://a/eureka/' }).join(), /lists a server twice/);
    assert.match(problems({ address: [] }).join(), /at least one/);
    assert.match(problems({ address: ' , ' }).join(), /at least one/);
  });

  test('fullFetchInterval: 1m by default, 0 turns it off, otherwise between refreshInterval and 24h', () => {
    assert.equal(parse({}).fullFetchInterval, 60_000);
    assert.equal(parse({ fullFetchInterval: '0s' }).fullFetchInterval, 0);
    assert.equal(parse({ refreshInterval: '1s', fullFetchInterval: '1s' }).fullFetchInterval, 1000);
    assert.match(
      problems({ refreshInterval: '5s', fullFetchInterval: '2s' }).join(),
      /refreshInterval and 24h/,
    );
    assert.match(problems({ fullFetchInterval: '25h' }).join(), /refreshInterval and 24h/);
  });

  test('refreshInterval: a duration between 100ms and 10m', () => {
    assert.equal(parse({ refreshInterval: '250ms' }).refreshInterval, 250);
    assert.match(problems({ refreshInterval: '50ms' }).join(), /between 100ms and 10m/);
    assert.match(problems({ refreshInterval: 'soon' }).join(), /not a duration/);
  });

  test('statuses: Eureka statuses only, duplicates dropped', () => {
    assert.deepEqual(parse({ statuses: ['UP', 'STARTING', 'UP'] }).statuses, ['UP', 'STARTING']);
    assert.notDeepEqual(problems({ statuses: ['HEALTHY'] }), []);
    assert.notDeepEqual(problems({ statuses: [] }), []);
  });

  test('username and passwordFile go together', () => {
    assert.match(problems({ username: 'u' }).join(), /passwordFile: username and passwordFile go together/);
    assert.match(problems({ passwordFile: 'p' }).join(), /username: username and passwordFile go together/);
    assert.deepEqual(problems({ username: 'u', passwordFile: 'p' }), []);
    assert.match(problems({ password: 'inline' }).join(), /password/);
  });

  test('TLS settings need every server on https; certFile and keyFile go together', () => {
    assert.match(
      problems({ address: 'http://a/eureka', caFile: 'ca.pem' }).join(),
      /need an https:\/\/ address/,
    );
    assert.match(
      problems({ address: 'https://a/eureka,http://b/eureka', caFile: 'ca.pem' }).join(),
      /need an https:\/\/ address/,
    );
    assert.deepEqual(problems({ address: 'https://a/eureka', caFile: 'ca.pem' }), []);
    assert.match(problems({ address: 'https://a/eureka', certFile: 'c.pem' }).join(), /go together/);
  });

  test('hostTemplate: {app}, {vipAddress} or {metadata.<key>}; at least one of them', () => {
    assert.deepEqual(problems({ hostTemplate: '{app}.{metadata.team}.mesh' }), []);
    assert.deepEqual(problems({ hostTemplate: '{vipAddress}.mesh' }), []);
    assert.match(problems({ hostTemplate: '{service}.mesh' }).join(), /unknown placeholder \{service\}/);
    assert.match(problems({ hostTemplate: '{metadata.}.mesh' }).join(), /unknown placeholder/);
    assert.match(problems({ hostTemplate: 'fixed.mesh' }).join(), /must contain/);
  });

  test('protocolDefault must be a protocol Istio knows', () => {
    assert.equal(parse({ protocolDefault: 'GRPC' }).protocolDefault, 'grpc');
    assert.match(problems({ protocolDefault: 'smtp' }).join(), /not a protocol Istio knows/);
  });

  test('unknown keys are refused', () => {
    assert.match(problems({ refresh: '5s' }).join(), /refresh/);
  });

  test('delta requests time out after twice the refresh interval, between 2s and 30s', () => {
    assert.equal(deltaTimeoutMs(100), 2000);
    assert.equal(deltaTimeoutMs(5000), 10_000);
    assert.equal(deltaTimeoutMs(60_000), 30_000);
  });
});

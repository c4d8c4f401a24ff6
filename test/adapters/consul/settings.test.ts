import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { consulSettingsSchema } from '../../../src/adapters/consul/settings.js';

function firstIssue(input: unknown): string {
  const r = consulSettingsSchema.safeParse(input);
  assert.equal(r.success, false, 'expected a validation error');
  const issue = r.error.issues[0]!;
  return `${issue.path.join('.')}: ${issue.message}`;
}

describe('consul settings', () => {
  test('an empty entry gets the documented defaults', () => {
    const s = consulSettingsSchema.parse({});
    assert.equal(s.address, 'http://127.0.0.1:8500');
    assert.equal(s.health, 'passing');
    assert.equal(s.wait, 60_000);
    assert.equal(s.stale, false);
    assert.equal(s.protocolDefault, 'tcp');
    assert.equal(s.protocolTag, 'protocol');
    assert.equal(s.emptyGracePeriod, 30_000);
    assert.equal(s.maxConcurrentQueries, 100);
    assert.deepEqual(s.services, { include: ['*'], exclude: ['consul'] });
    assert.deepEqual(s.tags, []);
    assert.equal(s.datacenters, undefined);
    assert.equal(s.consulNamespace, undefined);
    assert.equal(s.partition, undefined);
  });

  test('durations are read as 5s / 2m / milliseconds', () => {
    const s = consulSettingsSchema.parse({
      wait: '5s',
      emptyGracePeriod: '2m',
      backoff: { initial: 100, max: '3s' },
    });
    assert.equal(s.wait, 5_000);
    assert.equal(s.emptyGracePeriod, 120_000);
    assert.deepEqual(s.backoff, { initial: 100, max: 3_000 });
  });

  test('a misspelt key is named', () => {
    assert.match(firstIssue({ adress: 'http://x:8500' }), /adress/);
  });

  test('token and tokenFile together are refused', () => {
    assert.match(firstIssue({ token: 'a', tokenFile: 'b' }), /^tokenFile: set either token or tokenFile/);
  });

  test('certFile without keyFile is refused', () => {
    assert.match(
      firstIssue({ address: 'https://c:8501', certFile: 'c.pem' }),
      /^keyFile: certFile and keyFile go together/,
    );
  });

  test('TLS settings on an http:// address are refused', () => {
    assert.match(firstIssue({ caFile: 'ca.pem' }), /^address: TLS settings/);
  });

  test('an address that is not an http(s) URL is refused', () => {
    assert.match(firstIssue({ address: '127.0.0.1:8500' }), /^address: must be an http/);
    assert.match(firstIssue({ address: 'ftp://x' }), /^address: must be an http/);
  });

  test('wait outside 1s..10m is refused', () => {
    assert.match(firstIssue({ wait: '500ms' }), /^wait: must be between 1s and 10m/);
    assert.match(firstIssue({ wait: '11m' }), /^wait: must be between/);
  });

  test('an unknown health policy is refused', () => {
    assert.match(firstIssue({ health: 'warning' }), /^health:/);
  });

  test('hostTemplate needs {service}, known placeholders, and {dc} with several datacenters', () => {
    assert.match(firstIssue({ hostTemplate: 'x.consul' }), /must contain \{service\}/);
    assert.match(firstIssue({ hostTemplate: '{svc}.consul' }), /unknown placeholder \{svc\}/);
    assert.match(
      firstIssue({ hostTemplate: '{service}.consul', datacenters: ['a', 'b'] }),
      /must contain \{dc\}/,
    );
    assert.equal(
      consulSettingsSchema.parse({ hostTemplate: '{service}.{dc}.consul', datacenters: ['a', 'b'] })
        .hostTemplate,
      '{service}.{dc}.consul',
    );
  });

  test('an empty or duplicated datacenter list is refused', () => {
    assert.match(firstIssue({ datacenters: [] }), /^datacenters:/);
    assert.match(firstIssue({ datacenters: ['dc1', 'dc1'] }), /lists a datacenter twice/);
  });

  test('maxConcurrentQueries must be a whole number from 1 to 1000', () => {
    assert.match(firstIssue({ maxConcurrentQueries: 0 }), /^maxConcurrentQueries:/);
    assert.match(firstIssue({ maxConcurrentQueries: 2.5 }), /^maxConcurrentQueries:/);
  });

  test('an unknown protocolDefault is refused', () => {
    assert.match(firstIssue({ protocolDefault: 'HTTPX' }), /^protocolDefault:/);
  });
});

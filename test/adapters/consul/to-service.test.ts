import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DATACENTER_ANNOTATION,
  TAGS_ANNOTATION,
  emptyService,
  toRegistryService,
  type MappingOptions,
} from '../../../src/adapters/consul/to-service.js';
import { entry } from './entries.js';

const opts: MappingOptions = {
  datacenter: 'dc1',
  localDatacenter: 'dc1',
  health: 'passing',
  protocolDefault: 'tcp',
  protocolTag: 'protocol',
  requiredTags: [],
};

describe('consul to-service mapping', () => {
  test('a local-datacenter service gets host <name>.service.consul and id <dc>/<name>', () => {
    const r = toRegistryService('web', [entry()], opts);
    assert.equal(r.service.id, 'dc1/web');
    assert.equal(r.service.name, 'web');
    assert.equal(r.service.host, 'web.service.consul');
    assert.equal(r.service.namespace, undefined);
    assert.equal(r.service.protocol, 'tcp');
    assert.deepEqual(r.issues, []);
  });

  test('a service of another datacenter gets host <name>.service.<dc>.consul', () => {
    const r = toRegistryService('web', [entry()], { ...opts, datacenter: 'dc2' });
    assert.equal(r.service.id, 'dc2/web');
    assert.equal(r.service.host, 'web.service.dc2.consul');
    assert.equal(r.service.annotations?.[DATACENTER_ANNOTATION], 'dc2');
  });

  test('hostTemplate replaces {service} and {dc} with DNS labels', () => {
    const r = toRegistryService('My_Svc', [entry()], {
      ...opts,
      datacenter: 'DC-East',
      hostTemplate: '{service}.{dc}.mesh',
    });
    assert.equal(r.service.host, 'my-svc.dc-east.mesh');
  });

  const ugly: [string, string][] = [
    ['UPPER', 'upper.service.consul'],
    ['snake_case_name', 'snake-case-name.service.consul'],
    ['dotted.name.v2', 'dotted-name-v2.service.consul'],
    ['_leading', 'leading.service.consul'],
    ['a'.repeat(70), `${'a'.repeat(54)}-`],
    ['Mixed.Case_and-dash', 'mixed-case-and-dash.service.consul'],
  ];
  for (const [name, expected] of ugly) {
    test(`name ${JSON.stringify(name.length > 20 ? `${name.slice(0, 10)}…(${name.length})` : name)} is kept verbatim; the host is DNS-safe`, () => {
      const r = toRegistryService(name, [entry({ service: name })], opts);
      assert.equal(r.service.name, name);
      assert.equal(r.service.id, `dc1/${name}`);
      assert.ok(r.service.host!.startsWith(expected), `${r.service.host} should start with ${expected}`);
      const label = r.service.host!.split('.')[0]!;
      assert.match(label, /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
      assert.ok(r.issues.some((i) => i.kind === 'info' && i.detail.includes('DNS-1123')));
    });
  }

  test('two 70-character names that share a 63-character prefix get different hosts', () => {
    const a = toRegistryService(`${'x'.repeat(66)}-one`, [], opts).service.host;
    const b = toRegistryService(`${'x'.repeat(66)}-two`, [], opts).service.host;
    assert.notEqual(a, b);
    assert.ok(a!.split('.')[0]!.length <= 63);
  });

  test('instance address is Service.Address, else Node.Address; each instance keeps its port', () => {
    const r = toRegistryService(
      'web',
      [
        entry({ node: 'n1', id: 'a', address: '10.0.0.1', port: 8081 }),
        entry({ node: 'n2', id: 'b', address: '', nodeAddress: '10.0.0.2', port: 9090 }),
      ],
      opts,
    );
    assert.deepEqual(
      r.service.instances.map((i) => [i.id, i.address, i.port]),
      [
        ['n1/a', '10.0.0.1', 8081],
        ['n2/b', '10.0.0.2', 9090],
      ],
    );
  });

  test('the same service ID on two nodes gives two instances', () => {
    const r = toRegistryService('web', [entry({ node: 'n1' }), entry({ node: 'n2' })], opts);
    assert.deepEqual(
      r.service.instances.map((i) => i.id),
      ['n1/web-1', 'n2/web-1'],
    );
  });

  test('output is deterministic: entry order and label order do not matter', () => {
    const e1 = entry({
      node: 'b',
      id: 'x',
      tags: ['z=1', 'a=2', 'plain2', 'plain1'],
      meta: { m: '1', b: '2' },
    });
    const e2 = entry({ node: 'a', id: 'y', tags: ['plain3'] });
    const one = toRegistryService('web', [e1, e2], opts);
    const two = toRegistryService('web', [e2, e1], opts);
    assert.equal(JSON.stringify(one.service), JSON.stringify(two.service));
    assert.deepEqual(Object.keys(one.service.instances[1]!.labels), ['a', 'b', 'm', 'z']);
    assert.equal(one.service.annotations?.[TAGS_ANNOTATION], '["plain1","plain2","plain3"]');
  });

  test('key=value tags and ServiceMeta become labels; meta wins over a tag with the same key', () => {
    const r = toRegistryService(
      'web',
      [entry({ tags: ['version=v1', 'team=a', 'canary'], meta: { team: 'b', zone: 'z1' } })],
      opts,
    );
    assert.deepEqual(r.service.instances[0]!.labels, { team: 'b', version: 'v1', zone: 'z1' });
    assert.equal(r.service.annotations?.[TAGS_ANNOTATION], '["canary"]');
  });

  test('a service without plain tags has no tags annotation', () => {
    const r = toRegistryService('web', [entry({ tags: ['a=b'] })], opts);
    assert.equal(r.service.annotations?.[TAGS_ANNOTATION], undefined);
  });

  test('protocol comes from ServiceMeta, then the protocol tag, else the default', () => {
    const r = toRegistryService(
      'web',
      [
        entry({ id: 'a', meta: { protocol: 'HTTP' }, tags: ['protocol=grpc'] }),
        entry({ id: 'b', tags: ['protocol=grpc'] }),
        entry({ id: 'c' }),
      ],
      opts,
    );
    assert.deepEqual(
      r.service.instances.map((i) => i.protocol),
      ['http', 'grpc', undefined],
    );
    assert.equal(r.service.protocol, 'tcp');
  });

  test('a custom protocolTag is honoured', () => {
    const r = toRegistryService('web', [entry({ tags: ['proto=http2'] })], { ...opts, protocolTag: 'proto' });
    assert.equal(r.service.instances[0]!.protocol, 'http2');
  });

  test('an unknown protocol falls back to the default with a notice', () => {
    const r = toRegistryService('web', [entry({ meta: { protocol: 'carrier-pigeon' } })], opts);
    assert.equal(r.service.instances[0]!.protocol, undefined);
    assert.ok(r.issues.some((i) => i.kind === 'warn' && i.detail.includes('carrier-pigeon')));
  });

  test('locality is the datacenter, refined by node meta region/zone/subzone or service meta zone', () => {
    const r = toRegistryService(
      'web',
      [
        entry({ id: 'a' }),
        entry({ id: 'b', meta: { zone: 'z1' } }),
        entry({ id: 'c', nodeMeta: { region: 'eu', zone: 'eu-1', subzone: 'rack7' } }),
        entry({ id: 'd', nodeMeta: { zone: 'a/b' } }),
      ],
      opts,
    );
    assert.deepEqual(
      r.service.instances.map((i) => i.locality),
      ['dc1', 'dc1/z1', 'eu/eu-1/rack7', 'dc1'],
    );
    assert.ok(r.issues.some((i) => i.detail.includes('"a/b"')));
  });

  test('Connect proxies and gateways are skipped; a proxy-only answer says so', () => {
    const mixed = toRegistryService(
      'web',
      [entry({ id: 'a' }), entry({ id: 'p', kind: 'connect-proxy' })],
      opts,
    );
    assert.deepEqual(
      mixed.service.instances.map((i) => i.id),
      ['n1/a'],
    );
    assert.equal(mixed.proxyOnly, false);
    const proxies = toRegistryService(
      'web-sidecar-proxy',
      [entry({ kind: 'connect-proxy' }), entry({ id: 'g', kind: 'mesh-gateway' })],
      opts,
    );
    assert.equal(proxies.proxyOnly, true);
    assert.equal(proxies.service.instances.length, 0);
  });

  test('bad input (port 0, non-numeric port, empty or invalid address) is reported and skipped', () => {
    const r = toRegistryService(
      'web',
      [
        entry({ id: 'ok' }),
        entry({ id: 'p0', port: 0 }),
        entry({ id: 'pstr', port: '80' }),
        entry({ id: 'p99', port: 99999 }),
        entry({ id: 'noaddr', address: '', nodeAddress: '' }),
        entry({ id: 'badaddr', address: 'not an address' }),
        { Node: { Node: 'n1' } },
        'garbage',
      ],
      opts,
    );
    assert.deepEqual(
      r.service.instances.map((i) => i.id),
      ['n1/ok'],
    );
    const bad = r.issues.filter((i) => i.kind === 'bad-input');
    assert.equal(bad.length, 7);
    assert.ok(bad.every((i) => i.what === 'consul service "web" in datacenter dc1'));
    assert.ok(bad.some((i) => i.detail.includes('n1/p0') && i.detail.includes('port 0')));
    assert.ok(bad.some((i) => i.detail.includes('n1/noaddr') && i.detail.includes('both empty')));
  });

  test('a host name address is accepted', () => {
    const r = toRegistryService('web', [entry({ address: 'web-1.example.internal' })], opts);
    assert.equal(r.service.instances[0]!.address, 'web-1.example.internal');
  });

  test('an IPv6 address is accepted', () => {
    const r = toRegistryService('web', [entry({ address: 'fd00::1' })], opts);
    assert.equal(r.service.instances[0]!.address, 'fd00::1');
  });

  test('instances without every required tag are left out', () => {
    const r = toRegistryService(
      'web',
      [entry({ id: 'a', tags: ['prod', 'v1'] }), entry({ id: 'b', tags: ['prod'] }), entry({ id: 'c' })],
      { ...opts, requiredTags: ['prod', 'v1'] },
    );
    assert.deepEqual(
      r.service.instances.map((i) => i.id),
      ['n1/a'],
    );
  });

  test('weights other than 1 are carried; warning instances use Weights.Warning', () => {
    const r = toRegistryService(
      'web',
      [
        entry({ id: 'a', weights: { Passing: 5, Warning: 2 } }),
        entry({ id: 'b', weights: { Passing: 5, Warning: 2 }, checks: ['warning'] }),
        entry({ id: 'c' }),
      ],
      { ...opts, health: 'any' },
    );
    assert.deepEqual(
      r.service.instances.map((i) => i.weight),
      [5, 2, undefined],
    );
  });

  const policies: [string, MappingOptions['health'], boolean[]][] = [
    ['passing', 'passing', [true, false, false, false]],
    ['passing+warning', 'passing+warning', [true, true, false, false]],
    ['any', 'any', [true, true, true, true]],
  ];
  for (const [label, health, expected] of policies) {
    test(`health policy ${label}: passing/warning/critical/critical-node instances are healthy ${expected.join('/')}`, () => {
      const r = toRegistryService(
        'web',
        [
          entry({ id: 'a', checks: ['passing'] }),
          entry({ id: 'b', checks: ['passing', 'warning'] }),
          entry({ id: 'c', checks: ['critical', 'passing'] }),
          entry({ id: 'd', checks: ['passing'], nodeChecks: ['critical'] }),
        ],
        { ...opts, health },
      );
      assert.deepEqual(
        r.service.instances.map((i) => i.healthy),
        expected,
      );
      assert.equal(r.healthyCount, expected.filter(Boolean).length);
      assert.equal(r.service.instances.length, 4, 'unhealthy instances are still reported');
    });
  }

  test('an empty answer gives a service with no instances', () => {
    const r = toRegistryService('web', [], opts);
    assert.equal(r.service.instances.length, 0);
    assert.equal(r.healthyCount, 0);
    assert.equal(r.proxyOnly, false);
    assert.deepEqual(emptyService('web', opts), r.service);
  });
});

describe('consul to-service: registry keys are data', () => {
  test('meta and tag keys named like Object.prototype members (__proto__, constructor, toString) stay labels', () => {
    // JSON.parse gives an own "__proto__" key, as Consul's answer would.
    const meta = JSON.parse('{"__proto__":"p","constructor":"c"}') as Record<string, string>;
    const r = toRegistryService('web', [entry({ meta, tags: ['toString=t', 'hasOwnProperty=h'] })], opts);
    const labels = r.service.instances[0]!.labels;
    assert.deepEqual(
      Object.entries(labels).sort(),
      [
        ['__proto__', 'p'],
        ['constructor', 'c'],
        ['hasOwnProperty', 'h'],
        ['toString', 't'],
      ].sort(),
    );
    assert.equal(Object.getPrototypeOf(labels), Object.prototype);
  });
});

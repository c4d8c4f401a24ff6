import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { convertService, type ConvertContext } from '../../src/convert/service-entry.js';
import type { ServiceEntryResource, WorkloadEntryResource } from '../../src/model/istio.js';
import type { RegistryInstance, RegistryService } from '../../src/model/registry.js';

const ctx: ConvertContext = {
  registryName: 'reg',
  registryType: 'file',
  namespace: 'ext',
  mode: 'serviceentry',
};
const inst = (address: string, port: number, more: Partial<RegistryInstance> = {}): RegistryInstance => ({
  address,
  port,
  labels: {},
  healthy: true,
  ...more,
});
const svc = (
  name: string,
  instances: RegistryInstance[],
  more: Partial<RegistryService> = {},
): RegistryService => ({
  id: name,
  name,
  instances,
  ...more,
});
const se = (s: RegistryService, c = ctx): ServiceEntryResource => {
  const r = convertService(s, c).resources[0]!;
  assert.equal(r.kind, 'ServiceEntry');
  return r;
};

describe('convertService names', () => {
  const cases: [string, string][] = [
    ['reviews', 'reviews'],
    ['REVIEWS', 'reviews'],
    ['my_service', 'my-service'],
    ['org.apache.dubbo.demo.DemoService', 'org-apache-dubbo-demo-demoservice'],
    ['--weird__name--', 'weird-name'],
    ['ünïcode', 'n-code'],
    // a valid DNS label with a run of dashes is still collapsed, as any other name
    ['a--b', 'a-b'],
  ];
  for (const [input, expected] of cases) {
    test(`"${input}" is served as "${expected}" with the original kept in an annotation`, () => {
      const r = se(svc(input, [inst('10.0.0.1', 80)]));
      assert.equal(r.name, expected);
      assert.equal(r.spec.hosts[0], `${expected}.ext`);
      assert.equal(r.annotations['registry-bridge.io/original-name'], input);
    });
  }

  test('a 70-character name is cut to 63 with a hash, and two such names stay distinct', () => {
    const a = se(svc(`${'a'.repeat(60)}-service-one`, [inst('10.0.0.1', 80)]));
    const b = se(svc(`${'a'.repeat(60)}-service-two`, [inst('10.0.0.1', 80)]));
    assert.ok(a.name.length <= 63);
    assert.match(a.name, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    assert.notEqual(a.name, b.name);
  });

  test('a sanitised name produces a NAME_SANITISED warning, a clean one none', () => {
    assert.deepEqual(
      convertService(svc('Foo_Bar', [inst('10.0.0.1', 80)]), ctx).warnings.map((w) => w.code),
      ['NAME_SANITISED'],
    );
    assert.deepEqual(convertService(svc('foo', [inst('10.0.0.1', 80)]), ctx).warnings, []);
  });

  test('an explicit host is kept; an invalid one is mended label by label', () => {
    assert.deepEqual(se(svc('a', [inst('10.0.0.1', 80)], { host: 'pay.shop.example' })).spec.hosts, [
      'pay.shop.example',
    ]);
    const r = convertService(svc('a', [inst('10.0.0.1', 80)], { host: 'Pay_Svc.Shop.example' }), ctx);
    assert.deepEqual((r.resources[0] as ServiceEntryResource).spec.hosts, ['pay-svc.shop.example']);
    assert.ok(r.warnings.some((w) => w.code === 'HOST_SANITISED'));
  });

  test('the service namespace overrides the registry namespace', () => {
    const r = se(svc('a', [inst('10.0.0.1', 80)], { namespace: 'bookinfo' }));
    assert.equal(r.namespace, 'bookinfo');
    assert.equal(r.spec.hosts[0], 'a.bookinfo');
  });
});

describe('convertService ports and endpoints', () => {
  test('instances on different ports become one sorted port list named <protocol>-<port>', () => {
    const r = se(svc('a', [inst('10.0.0.2', 8081), inst('10.0.0.1', 8080)], { protocol: 'http' }));
    assert.deepEqual(r.spec.ports, [
      { number: 8080, protocol: 'HTTP', name: 'http-8080' },
      { number: 8081, protocol: 'HTTP', name: 'http-8081' },
    ]);
    // Each endpoint reaches every service port on its own port.
    assert.deepEqual(
      r.spec.endpoints!.map((e) => [e.address, e.ports]),
      [
        ['10.0.0.1', { 'http-8080': 8080, 'http-8081': 8080 }],
        ['10.0.0.2', { 'http-8080': 8081, 'http-8081': 8081 }],
      ],
    );
  });

  test('two ports of one address become one endpoint with both ports', () => {
    const r = se(
      svc('a', [inst('10.0.0.1', 8080, { protocol: 'http' }), inst('10.0.0.1', 8443, { protocol: 'https' })]),
    );
    assert.equal(r.spec.endpoints!.length, 1);
    assert.deepEqual(r.spec.endpoints![0]!.ports, { 'http-8080': 8080, 'https-8443': 8443 });
  });

  test('unhealthy instances are not served but keep their port in the list', () => {
    const r = se(svc('a', [inst('10.0.0.1', 80), inst('10.0.0.2', 81, { healthy: false })]));
    assert.deepEqual(
      r.spec.ports.map((p) => p.number),
      [80, 81],
    );
    assert.deepEqual(
      r.spec.endpoints!.map((e) => e.address),
      ['10.0.0.1'],
    );
  });

  test('a service whose instances are all unhealthy is served with no endpoints', () => {
    const r = se(svc('a', [inst('10.0.0.1', 80, { healthy: false })]));
    assert.deepEqual(r.spec.endpoints, []);
    assert.equal(r.spec.ports.length, 1);
  });

  test('a host name address makes the resolution DNS; IPs give STATIC', () => {
    assert.equal(se(svc('a', [inst('db.example.com', 5432)])).spec.resolution, 'DNS');
    assert.equal(se(svc('a', [inst('10.0.0.1', 5432)])).spec.resolution, 'STATIC');
    assert.equal(se(svc('a', [inst('fd00::1', 5432)])).spec.resolution, 'STATIC');
  });

  test('location is MESH_INTERNAL', () => {
    assert.equal(se(svc('a', [inst('10.0.0.1', 80)])).spec.location, 'MESH_INTERNAL');
  });

  test('invalid instances are skipped with a warning, never dropping the valid ones', () => {
    const r = convertService(
      svc('a', [
        inst('10.0.0.1', 80),
        inst('10.0.0.2', 0),
        inst('not an address!', 80),
        inst('10.0.0.3', 70000),
      ]),
      ctx,
    );
    const s = r.resources[0] as ServiceEntryResource;
    assert.deepEqual(
      s.spec.endpoints!.map((e) => e.address),
      ['10.0.0.1'],
    );
    assert.equal(r.warnings.filter((w) => w.code === 'INSTANCE_INVALID').length, 3);
  });

  test('protocols map to Istio names, unknown ones fall back to TCP with a warning', () => {
    const proto = (p: string): string =>
      se(svc('a', [inst('10.0.0.1', 80, { protocol: p })])).spec.ports[0]!.protocol;
    assert.equal(proto('grpc'), 'GRPC');
    assert.equal(proto('triple'), 'GRPC');
    assert.equal(proto('dubbo'), 'TCP');
    assert.equal(proto('HTTP2'), 'HTTP2');
    const r = convertService(svc('a', [inst('10.0.0.1', 80, { protocol: 'carrier-pigeon' })]), ctx);
    assert.equal((r.resources[0] as ServiceEntryResource).spec.ports[0]!.protocol, 'TCP');
    assert.ok(r.warnings.some((w) => w.code === 'PROTOCOL_UNKNOWN'));
  });

  test('one port announced with two protocols keeps the majority protocol and warns', () => {
    const r = convertService(
      svc('a', [
        inst('10.0.0.1', 80, { protocol: 'http' }),
        inst('10.0.0.2', 80, { protocol: 'http' }),
        inst('10.0.0.3', 80, { protocol: 'grpc' }),
      ]),
      ctx,
    );
    assert.deepEqual((r.resources[0] as ServiceEntryResource).spec.ports, [
      { number: 80, protocol: 'HTTP', name: 'http-80' },
    ]);
    assert.ok(r.warnings.some((w) => w.code === 'PORT_PROTOCOL_CONFLICT'));
  });

  test('labels Kubernetes would reject are dropped or mended, with warnings', () => {
    const r = convertService(
      svc('a', [
        inst('10.0.0.1', 80, { labels: { version: 'v1', 'bad key!': 'x', zone: 'eu west/1', ok: '' } }),
      ]),
      ctx,
    );
    const ep = (r.resources[0] as ServiceEntryResource).spec.endpoints![0]!;
    assert.deepEqual(ep.labels, { ok: '', version: 'v1', zone: 'eu_west_1' });
    assert.deepEqual(r.warnings.map((w) => w.code).sort(), ['LABEL_DROPPED', 'LABEL_MENDED']);
  });

  test('label answers are remembered only up to a bound: after thousands of distinct keys, old and new keys are still judged right', () => {
    for (let round = 0; round < 2; round++) {
      const labels: Record<string, string> = {};
      for (let i = 0; i < 5000; i++) labels[`k${round}-${i}`] = i % 2 === 0 ? `v${i}` : `bad value ${i}`;
      labels['bad key!'] = 'x';
      const r = convertService(svc('a', [inst('10.0.0.1', 80, { labels })]), ctx);
      const ep = (r.resources[0] as ServiceEntryResource).spec.endpoints![0]!;
      assert.equal(Object.keys(ep.labels!).length, 5000);
      assert.equal(ep.labels![`k${round}-1`], `bad_value_1`);
      assert.equal(ep.labels![`k${round}-2`], 'v2');
      assert.equal(r.warnings.filter((w) => w.code === 'LABEL_DROPPED').length, 1);
      assert.equal(r.warnings.filter((w) => w.code === 'LABEL_MENDED').length, 2500);
    }
  });

  test('labels of two ports of one address are merged, the lower port winning a shared key', () => {
    const r = convertService(
      svc('a', [
        inst('10.0.0.1', 81, { labels: { shared: 'high', only81: 'x' } }),
        inst('10.0.0.1', 80, { labels: { shared: 'low', only80: 'y' } }),
      ]),
      ctx,
    );
    const ep = (r.resources[0] as ServiceEntryResource).spec.endpoints![0]!;
    assert.deepEqual(Object.entries(ep.labels!), [
      ['only80', 'y'],
      ['only81', 'x'],
      ['shared', 'low'],
    ]);
  });

  test('per-address fields come from whichever port sets them, and a disagreement is warned about', () => {
    const r = convertService(
      svc('a', [
        inst('10.0.1.5', 8080),
        inst('10.0.1.5', 50051, { locality: 'us-east-1/us-east-1a', weight: 3 }),
        inst('10.0.1.6', 8080, { locality: 'r/a' }),
        inst('10.0.1.6', 8081, { locality: 'r/b' }),
      ]),
      ctx,
    );
    const eps = (r.resources[0] as ServiceEntryResource).spec.endpoints!;
    assert.deepEqual(
      eps.map((e) => [e.address, e.locality, e.weight]),
      [
        ['10.0.1.5', 'us-east-1/us-east-1a', 3],
        ['10.0.1.6', 'r/a', undefined],
      ],
    );
    assert.deepEqual(
      r.warnings.filter((w) => w.code === 'ENDPOINT_FIELD_CONFLICT').map((w) => w.message),
      ['endpoint 10.0.1.6: its ports disagree on locality (r/a, r/b); using r/a'],
    );
  });

  test('a fully qualified host name address loses its trailing dot', () => {
    const r = se(svc('a', [inst('Backend.Example.', 80)]));
    assert.equal(r.spec.endpoints![0]!.address, 'backend.example');
    assert.equal(r.spec.resolution, 'DNS');
  });

  test('locality, weight, network and service account are carried to the endpoint', () => {
    const ep = se(
      svc('a', [inst('10.0.0.1', 80, { locality: 'r/z', weight: 3, network: 'n1', serviceAccount: 'sa' })]),
    ).spec.endpoints![0]!;
    assert.deepEqual(
      { locality: ep.locality, weight: ep.weight, network: ep.network, sa: ep.serviceAccount },
      { locality: 'r/z', weight: 3, network: 'n1', sa: 'sa' },
    );
  });
});

describe('convertService determinism', () => {
  test('shuffled instances and label order give identical output', () => {
    const a = [
      inst('10.0.0.3', 80, { labels: { b: '1', a: '2' } }),
      inst('10.0.0.1', 81),
      inst('10.0.0.2', 80, { protocol: 'http' }),
    ];
    const b = [
      inst('10.0.0.2', 80, { protocol: 'http' }),
      inst('10.0.0.1', 81),
      inst('10.0.0.3', 80, { labels: { a: '2', b: '1' } }),
    ];
    assert.equal(
      JSON.stringify(convertService(svc('x', a), ctx)),
      JSON.stringify(convertService(svc('x', b), ctx)),
    );
  });
});

describe('convertService workloadentry mode', () => {
  const wctx: ConvertContext = { ...ctx, mode: 'workloadentry' };

  test('gives a ServiceEntry with a workloadSelector and one WorkloadEntry per healthy workload', () => {
    const r = convertService(
      svc('reviews', [
        inst('10.0.0.1', 9080, { labels: { version: 'v1' } }),
        inst('10.0.0.2', 9080),
        inst('10.0.0.3', 9080, { healthy: false }),
      ]),
      wctx,
    );
    const [s, ...wes] = r.resources;
    assert.equal(s!.kind, 'ServiceEntry');
    const spec = (s as ServiceEntryResource).spec;
    assert.equal(spec.endpoints, undefined);
    assert.deepEqual(spec.workloadSelector, { labels: { 'registry-bridge.io/service': 'reviews' } });
    assert.deepEqual(
      wes.map((w) => w.name),
      ['reviews-10-0-0-1', 'reviews-10-0-0-2'],
    );
    for (const w of wes as WorkloadEntryResource[]) {
      assert.equal(w.namespace, s!.namespace);
      assert.equal(w.spec.labels!['registry-bridge.io/service'], 'reviews');
    }
    assert.equal((wes[0] as WorkloadEntryResource).spec.labels!['version'], 'v1');
  });
});

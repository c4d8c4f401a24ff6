import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { localityOf } from '../../../src/adapters/eureka/locality.js';
import { effectiveStatus } from '../../../src/adapters/eureka/status.js';
import {
  APP_ANNOTATION,
  METADATA_ANNOTATION,
  METADATA_ANNOTATION_LIMIT,
  emptyService,
  toRegistryService,
  type MappingOptions,
} from '../../../src/adapters/eureka/to-service.js';
import { parseApplications, type EurekaInstance } from '../../../src/adapters/eureka/wire.js';
import { convertService } from '../../../src/convert/service-entry.js';
import type { ServiceEntryResource } from '../../../src/model/istio.js';
import { recorded } from './recorded.js';

const opts: MappingOptions = { statuses: new Set(['UP']), protocolDefault: 'http' };

function inst(over: Partial<EurekaInstance> & { instanceId: string }): EurekaInstance {
  return {
    app: 'DEMO',
    status: 'UP',
    overriddenStatus: undefined,
    ipAddr: '10.0.0.1',
    hostName: undefined,
    port: 8080,
    securePort: undefined,
    vipAddress: undefined,
    metadata: new Map(),
    availabilityZone: undefined,
    actionType: 'ADDED',
    ...over,
  };
}

describe('eureka app to RegistryService', () => {
  test('recorded PAY_SVC: lower-case name and <app>.eureka host, both enabled ports, AWS locality, odd metadata in the annotation', () => {
    const instances = parseApplications(recorded('03-full'), 'test').instances.filter(
      (i) => i.app === 'PAY_SVC',
    );
    const r = toRegistryService('PAY_SVC', instances, opts);
    const s = r.service;
    assert.equal(s.id, 'PAY_SVC');
    assert.equal(s.name, 'pay_svc');
    assert.equal(s.host, 'pay-svc.eureka');
    assert.equal(s.protocol, 'http');
    assert.deepEqual(
      s.instances.map((i) => [i.id, i.address, i.port, i.protocol, i.healthy, i.locality]),
      [
        ['i-0abc', '10.1.0.5', 8080, undefined, true, 'eu-west-1/eu-west-1b'],
        ['i-0abc#secure', '10.1.0.5', 8443, 'https', true, 'eu-west-1/eu-west-1b'],
      ],
    );
    assert.deepEqual(s.instances[0]!.labels, { 'management.port': '8081' });
    assert.equal(s.annotations![APP_ANNOTATION], 'PAY_SVC');
    assert.deepEqual(JSON.parse(s.annotations![METADATA_ANNOTATION]!), {
      'i-0abc': { configPath: '/etc/pay config' },
    });
    assert.equal(r.healthyCount, 2);
    assert.deepEqual(r.issues, []);
  });

  test('only statuses listed are healthy; the others stay as unhealthy instances', () => {
    const instances = [
      inst({ instanceId: 'a', status: 'UP' }),
      inst({ instanceId: 'b', status: 'DOWN' }),
      inst({ instanceId: 'c', status: 'STARTING' }),
      inst({ instanceId: 'd', status: 'OUT_OF_SERVICE' }),
      inst({ instanceId: 'e', status: 'UNKNOWN' }),
    ];
    const up = toRegistryService('DEMO', instances, opts);
    assert.deepEqual(
      up.service.instances.map((i) => `${i.id}:${i.healthy}`),
      ['a:true', 'b:false', 'c:false', 'd:false', 'e:false'],
    );
    assert.equal(up.healthyCount, 1);
    const more = toRegistryService('DEMO', instances, { ...opts, statuses: new Set(['UP', 'STARTING']) });
    assert.equal(more.healthyCount, 2);
  });

  test('overriddenStatus wins over UP, but an instance reporting DOWN or STARTING is believed', () => {
    assert.equal(effectiveStatus('UP', 'OUT_OF_SERVICE'), 'OUT_OF_SERVICE');
    assert.equal(effectiveStatus('UP', 'UNKNOWN'), 'UP');
    assert.equal(effectiveStatus('UP', undefined), 'UP');
    assert.equal(effectiveStatus('DOWN', 'UP'), 'DOWN');
    assert.equal(effectiveStatus('STARTING', 'UP'), 'STARTING');
    assert.equal(effectiveStatus('OUT_OF_SERVICE', 'UP'), 'UP');
    const r = toRegistryService(
      'DEMO',
      [inst({ instanceId: 'a', status: 'UP', overriddenStatus: 'OUT_OF_SERVICE' })],
      opts,
    );
    assert.equal(r.service.instances[0]!.healthy, false);
  });

  test('metadata protocol names the plain port’s protocol; an unknown one falls back to the default with a warning', () => {
    const r = toRegistryService(
      'DEMO',
      [
        inst({ instanceId: 'a', metadata: new Map([['protocol', 'GRPC']]) }),
        inst({ instanceId: 'b', metadata: new Map([['protocol', 'carrier-pigeon']]) }),
      ],
      opts,
    );
    assert.equal(r.service.instances[0]!.protocol, 'grpc');
    assert.equal(r.service.instances[1]!.protocol, undefined);
    assert.equal(r.issues.length, 1);
    assert.match(r.issues[0]!.detail, /unknown protocol "carrier-pigeon"; using http/);
  });

  test('ports become <protocol>-<port> service ports after conversion, secure port as https', () => {
    const r = toRegistryService(
      'DEMO',
      [inst({ instanceId: 'a', port: 8080, securePort: 8443, metadata: new Map([['protocol', 'grpc']]) })],
      opts,
    );
    const se = convertService(r.service, {
      registryName: 'eu',
      registryType: 'eureka',
      namespace: 'eureka',
      mode: 'serviceentry',
    }).resources[0] as ServiceEntryResource;
    assert.deepEqual(se.spec.ports, [
      { number: 8080, protocol: 'GRPC', name: 'grpc-8080' },
      { number: 8443, protocol: 'HTTPS', name: 'https-8443' },
    ]);
    assert.equal(se.name, 'demo');
    assert.deepEqual(se.spec.hosts, ['demo.eureka']);
  });

  test('an instance with no enabled port, or no usable address, is skipped as bad input', () => {
    const r = toRegistryService(
      'DEMO',
      [
        inst({ instanceId: 'a', port: undefined }),
        inst({ instanceId: 'b', ipAddr: 'not an ip', hostName: 'also bad!' }),
        inst({ instanceId: 'c', ipAddr: 'nope', hostName: 'Host-C.Example.' }),
      ],
      opts,
    );
    assert.deepEqual(
      r.service.instances.map((i) => `${i.id} ${i.address}`),
      ['c host-c.example'],
    );
    assert.deepEqual(
      r.issues.map((i) => [i.kind, i.detail.replace(/:.*/, '')]),
      [
        ['bad-input', 'instance "a"'],
        ['bad-input', 'instance "b"'],
      ],
    );
  });

  test('metadata that cannot be a label goes to the annotation per instance; valid metadata are labels', () => {
    const r = toRegistryService(
      'DEMO',
      [
        inst({
          instanceId: 'a',
          metadata: new Map([
            ['version', 'v1'],
            ['management.context-path', '/admin'],
            ['__proto__', 'x'],
            ['k8s.io/team', 'payments'],
          ]),
        }),
        inst({ instanceId: 'b', metadata: new Map([['version', 'v2']]) }),
      ],
      opts,
    );
    assert.deepEqual(r.service.instances[0]!.labels, { 'k8s.io/team': 'payments', version: 'v1' });
    assert.deepEqual(r.service.instances[1]!.labels, { version: 'v2' });
    const ann = JSON.parse(r.service.annotations![METADATA_ANNOTATION]!) as Record<
      string,
      Record<string, string>
    >;
    assert.deepEqual(Object.keys(ann), ['a']);
    assert.equal(Object.getOwnPropertyDescriptor(ann.a, '__proto__')?.value, 'x');
    assert.equal(ann.a!['management.context-path'], '/admin');
  });

  test('the metadata annotation is capped; instances beyond the cap are left out with a warning', () => {
    const instances = Array.from({ length: 40 }, (_, n) =>
      inst({
        instanceId: `i-${String(n).padStart(2, '0')}`,
        metadata: new Map([['url', `http://x/${'y'.repeat(1000)}`]]),
      }),
    );
    const r = toRegistryService('DEMO', instances, opts);
    const value = r.service.annotations![METADATA_ANNOTATION]!;
    assert.ok(value.length <= METADATA_ANNOTATION_LIMIT, `${value.length}`);
    assert.equal(Object.keys(JSON.parse(value) as object).length, 31);
    assert.match(r.issues[0]!.detail, /metadata of 9 instances left out/);
  });

  test('hostTemplate: {app}, {vipAddress} (first entry, smallest among instances) and {metadata.<key>}', () => {
    const instances = [
      inst({ instanceId: 'b', vipAddress: 'pay-b,alias', metadata: new Map([['team', 'Blue']]) }),
      inst({ instanceId: 'a', vipAddress: 'pay-a', metadata: new Map([['team', 'Red']]) }),
    ];
    const host = (t: string): string | undefined =>
      toRegistryService('PAY_SVC', instances, { ...opts, hostTemplate: t }).service.host;
    assert.equal(host('{app}.svc.example'), 'pay-svc.svc.example');
    assert.equal(host('{vipAddress}.mesh'), 'pay-a.mesh');
    assert.equal(host('{app}.{metadata.team}.internal'), 'pay-svc.blue.internal');
    assert.equal(host('{metadata.absent}.x'), 'pay-svc.x', 'a missing value falls back to the app name');
  });

  test('locality from metadata zone/region or the AWS availability zone; a region is derived from cloud zone names', () => {
    assert.deepEqual(localityOf(new Map([['zone', 'z1']]), undefined), { value: 'z1' });
    assert.deepEqual(
      localityOf(
        new Map([
          ['zone', 'z1'],
          ['region', 'r1'],
        ]),
        undefined,
      ),
      { value: 'r1/z1' },
    );
    assert.deepEqual(localityOf(new Map(), 'us-east-1a'), { value: 'us-east-1/us-east-1a' });
    assert.deepEqual(localityOf(new Map([['zone', 'europe-west1-b']]), 'us-east-1a'), {
      value: 'europe-west1/europe-west1-b',
    });
    assert.deepEqual(localityOf(new Map(), undefined), {});
    const slash = localityOf(
      new Map([
        ['zone', 'a/b'],
        ['region', 'r'],
      ]),
      undefined,
    );
    assert.equal(slash.value, 'r');
    assert.match(slash.issue!, /contains "\/"/);
  });

  test('the emptied form keeps the host it had and has no instances', () => {
    const s = emptyService('DEMO', 'custom.host', opts);
    assert.deepEqual(s, {
      id: 'DEMO',
      name: 'demo',
      host: 'custom.host',
      protocol: 'http',
      annotations: { [APP_ANNOTATION]: 'DEMO' },
      instances: [],
    });
  });

  test('the same input always maps to the same output, whatever the instance order', () => {
    const a = inst({ instanceId: 'a', ipAddr: '10.0.0.1' });
    const b = inst({ instanceId: 'b', ipAddr: '10.0.0.2' });
    assert.deepEqual(toRegistryService('DEMO', [a, b], opts), toRegistryService('DEMO', [b, a], opts));
  });
});

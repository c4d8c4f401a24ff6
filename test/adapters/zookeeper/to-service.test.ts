import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCuratorInstance, type CuratorInstance } from '../../../src/adapters/zookeeper/curator-json.js';
import { parseProviderNode, type DubboUrl } from '../../../src/adapters/zookeeper/dubbo-url.js';
import { zookeeperSettingsSchema } from '../../../src/adapters/zookeeper/settings.js';
import { applicationService, interfaceServices } from '../../../src/adapters/zookeeper/to-service.js';
import { convertService } from '../../../src/convert/service-entry.js';
import { javaUrlEncode } from '../../support/dubbo-zk.js';
import { RECORDED_DUBBO_CHILD, RECORDED_INSTANCE_JSON, RECORDED_TRI_CHILD } from './recorded.js';

const IFACE = 'io.registrybridge.fixture.GreetingService';
const settings = zookeeperSettingsSchema.parse({});
const opts = { protocols: settings.protocols, protocolDefault: settings.protocolDefault };

function url(child: string): DubboUrl {
  const r = parseProviderNode(child);
  assert.ok('url' in r);
  return r.url;
}
const u = (text: string): DubboUrl => url(javaUrlEncode(text));

test('one interface → one service, host the interface in lower case, dubbo as tcp and tri as grpc', () => {
  const out = interfaceServices(IFACE, [url(RECORDED_DUBBO_CHILD), url(RECORDED_TRI_CHILD)], opts);
  assert.deepEqual([...out.keys()], [`interface/${IFACE}`]);
  const { service, healthyCount } = out.get(`interface/${IFACE}`)!;
  assert.equal(service.host, 'io.registrybridge.fixture.greetingservice');
  assert.equal(healthyCount, 2);
  assert.deepEqual(
    service.instances.map((i) => `${i.port}/${i.protocol}`),
    ['41001/tcp', '41002/grpc'],
  );
  const labels = service.instances[0]!.labels;
  assert.equal(labels.group, 'g1');
  assert.equal(labels.version, '1.0.0');
  assert.equal(labels.application, 'irb-fixture-provider');
  for (const k of ['timestamp', 'methods', 'interface', 'side', 'prefer.serialization'])
    assert.equal(labels[k], undefined, k);
  assert.equal(service.annotations?.['registry-bridge.io/dubbo-interface'], IFACE);
  assert.match(service.annotations['registry-bridge.io/dubbo-urls']!, /^dubbo:\/\/192\.0\.2\.2:41001\//);
});

test('the converted ServiceEntry has both ports and a host istiod accepts', () => {
  const { service } = interfaceServices(
    IFACE,
    [url(RECORDED_DUBBO_CHILD), url(RECORDED_TRI_CHILD)],
    opts,
  ).get(`interface/${IFACE}`)!;
  const { resources, warnings } = convertService(service, {
    registryName: 'zk',
    registryType: 'zookeeper',
    namespace: 'zookeeper',
    mode: 'serviceentry',
  });
  const se = resources[0]!;
  assert.equal(se.kind, 'ServiceEntry');
  if (se.kind !== 'ServiceEntry') return;
  assert.deepEqual(se.spec.hosts, ['io.registrybridge.fixture.greetingservice']);
  assert.deepEqual(
    se.spec.ports.map((p) => p.name),
    ['tcp-41001', 'grpc-41002'],
  );
  assert.equal(se.name, 'io-registrybridge-fixture-greetingservice');
  assert.equal(se.annotations['registry-bridge.io/dubbo-interface'], IFACE);
  assert.deepEqual(
    warnings.filter((w) => w.code !== 'MIXED_PROTOCOLS'),
    [],
    'a dotted interface name is mapped, not warned about',
  );
});

test('no provider is dropped: providers on different ports all count; disabled ones stay unhealthy', () => {
  const out = interfaceServices(
    'a.B',
    [
      u('dubbo://10.0.0.1:20880/a.B'),
      u('dubbo://10.0.0.2:20881/a.B'),
      u('dubbo://10.0.0.3:20882/a.B?enabled=false'),
    ],
    opts,
  );
  const { service, healthyCount } = out.get('interface/a.B')!;
  assert.deepEqual(
    service.instances.map((i) => `${i.address}:${i.port}:${i.healthy}`),
    ['10.0.0.1:20880:true', '10.0.0.2:20881:true', '10.0.0.3:20882:false'],
  );
  assert.equal(healthyCount, 2);
});

test('hostTemplate with {group} and {version} splits services; hosts never hold colons', () => {
  const out = interfaceServices(
    'a.B',
    [
      u('dubbo://10.0.0.1:1/a.B?group=g:1&version=1.0'),
      u('dubbo://10.0.0.2:1/a.B?version=2.0'),
      u('dubbo://10.0.0.3:1/a.B'),
    ],
    { ...opts, hostTemplate: '{interface}.{group}.{version}.dubbo' },
  );
  const hosts = [...out.values()].map((e) => e.service.host!).sort();
  assert.deepEqual(hosts, ['a-b.default.2-0.dubbo', 'a-b.default.default.dubbo', 'a-b.g-1.1-0.dubbo']);
  assert.equal(new Set([...out.values()].map((e) => e.service.name)).size, 3, 'names are distinct');
});

test('secrets and invalid values never become labels; weight is carried', () => {
  const { service } = interfaceServices(
    'a.B',
    [u('dubbo://10.0.0.1:1/a.B?token=abc&accesskey=k&weight=50&note=has space')],
    opts,
  ).get('interface/a.B')!;
  const i = service.instances[0]!;
  assert.equal(i.labels.token, undefined);
  assert.equal(i.labels.accesskey, undefined);
  assert.equal(i.labels.note, undefined);
  assert.equal(i.labels.weight, '50');
  assert.equal(i.weight, 50);
});

test('protocols setting overrides how a Dubbo protocol is served; unknown ones use protocolDefault', () => {
  const s = zookeeperSettingsSchema.parse({ protocols: { dubbo: 'http2' }, protocolDefault: 'tls' });
  const o = { protocols: s.protocols, protocolDefault: s.protocolDefault };
  const { service } = interfaceServices(
    'a.B',
    [u('dubbo://10.0.0.1:1/a.B'), u('weird://10.0.0.1:2/a.B')],
    o,
  ).get('interface/a.B')!;
  assert.deepEqual(
    service.instances.map((i) => i.protocol),
    ['http2', 'tls'],
  );
});

test('an application service: host <app>.dubbo, one instance per endpoint, mapped interfaces annotated', () => {
  const r = parseCuratorInstance(Buffer.from(RECORDED_INSTANCE_JSON));
  assert.ok('instance' in r);
  const inst: CuratorInstance = r.instance;
  const { service, healthyCount } = applicationService('irb-fixture-provider', [inst], [IFACE, 'a.B'], opts);
  assert.equal(service.id, 'application/irb-fixture-provider');
  assert.equal(service.host, 'irb-fixture-provider.dubbo');
  assert.equal(healthyCount, 2);
  assert.deepEqual(
    service.instances.map((i) => `${i.address}:${i.port}/${i.protocol}`),
    ['192.0.2.2:41001/tcp', '192.0.2.2:41002/grpc'],
  );
  assert.equal(service.annotations?.['registry-bridge.io/dubbo-interfaces'], `a.B,${IFACE}`);
  assert.equal(service.instances[0]!.labels['meta-v'], '2.0.0');
  assert.equal(service.instances[0]!.labels['dubbo.metadata.revision'], undefined);
});

/**
 * The docker-compose topology, natively: a real Consul agent with services,
 * a real ZooKeeper with the real Java Dubbo 3.3 provider registered in it, a
 * real Eureka server with an instance, ONE bridge configured for all three,
 * and istiod reading only that bridge. istiod holds every registry's
 * ServiceEntries exactly as served, and a change in one registry reaches it
 * without touching the other registries' resources.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BridgeProcess, type DebugResources } from '../support/bridge-process.js';
import { ConsulAgent, findConsul } from '../support/consul.js';
import { DubboProvider, dubboProviderFixture } from '../support/dubbo-provider.js';
import { EurekaServer, eurekaFixture, type EurekaFixture } from '../support/eureka.js';
import { addressesOf, Istiod, istioFixtures, type IstioFixtures } from '../support/istiod.js';
import { freePort } from '../support/ports.js';
import { unavailableSuite } from '../support/skip.js';
import { findZooKeeper, ZooKeeperServer, type ZooKeeperInstall } from '../support/zookeeper.js';
import {
  assertIstiodHoldsBridgeState,
  assertIstiodSubscribed,
  assertNoProblems,
  endpointCheck,
  measureConvergence,
  REGISTRY_LABEL,
  serviceByHost,
} from './helpers.js';

const SUITE = 'istiod with one bridge over Consul, ZooKeeper/Dubbo and Eureka at once';
const APP = 'irb-all-registries';
const IFACE_HOST = 'io.registrybridge.fixture.greetingservice';
const CONSUL_HOST = 'web.service.consul';
const EUREKA_HOST = 'sample-web.eureka';

interface Needs {
  fx: IstioFixtures;
  consul: string;
  zk: ZooKeeperInstall;
  eureka: EurekaFixture;
  dubbo: string;
}

function needs(): Needs | string {
  const missing: string[] = [];
  const fx = istioFixtures();
  if ('missing' in fx) missing.push(`istiod fixtures: ${fx.missing}`);
  const consul = findConsul();
  if (consul === undefined)
    missing.push('consul binary not found (CONSUL_BIN or PATH; .ci/install-consul.sh)');
  const zk = findZooKeeper();
  if (zk === undefined) missing.push('ZooKeeper not found (.ci/install-zookeeper.sh)');
  const eureka = eurekaFixture();
  if ('missing' in eureka) missing.push(`Eureka fixture: ${eureka.missing}`);
  const dubbo = dubboProviderFixture();
  if ('missing' in dubbo) missing.push(`Dubbo fixture: ${dubbo.missing}`);
  if (missing.length > 0) return missing.join('; ');
  return {
    fx: fx as IstioFixtures,
    consul: consul!,
    zk: zk!,
    eureka: eureka as EurekaFixture,
    dubbo: (dubbo as { dir: string }).dir,
  };
}

/** name@version of every served resource of `registry`. */
function servedOf(res: DebugResources, registry: string): string[] {
  return (res.kinds.ServiceEntry?.resources ?? [])
    .filter((r) => r.name.startsWith(`${registry}/`))
    .map((r) => `${r.name}@${r.version}`)
    .sort();
}

function suite(n: Needs): void {
  let agent: ConsulAgent;
  let zk: ZooKeeperServer;
  let eureka: EurekaServer;
  let provider: DubboProvider;
  let bridge: BridgeProcess;
  let istiod: Istiod;

  before(async () => {
    [agent, zk, eureka] = await Promise.all([
      ConsulAgent.start(n.consul),
      ZooKeeperServer.start(n.zk),
      EurekaServer.start(n.eureka),
    ]);
    await agent.registerService({
      ID: 'web-1',
      Name: 'web',
      Tags: ['protocol=http'],
      Address: '10.20.0.11',
      Port: 8080,
    });
    await eureka.register({ app: 'SAMPLE-WEB', id: 'sample-web-1', ip: '10.20.2.11', port: 8080 });
    provider = await DubboProvider.start(n.dubbo, {
      java: n.zk.java,
      zk: zk.address,
      protocols: `dubbo:${await freePort()},tri:${await freePort()}`,
      app: APP,
    });
    bridge = await BridgeProcess.start({
      registries: [
        { name: 'consul', type: 'consul', namespace: 'consul', address: agent.address, wait: '30s' },
        { name: 'dubbo', type: 'zookeeper', namespace: 'dubbo', address: zk.address, sessionTimeout: '4s' },
        {
          name: 'eureka',
          type: 'eureka',
          namespace: 'eureka',
          address: eureka.address,
          refreshInterval: '200ms',
        },
      ],
    });
    istiod = await Istiod.start(n.fx, bridge.xds);
  });

  after(async () => {
    await istiod?.stop();
    await bridge?.dispose();
    await provider?.kill();
    await Promise.all([agent?.stop(), zk?.stop(), eureka?.stop()]);
  });

  test('istiod holds the ServiceEntries of all three registries, exactly as served, none rejected', async () => {
    await assertIstiodSubscribed(bridge);
    const configz = await assertIstiodHoldsBridgeState(istiod, bridge);
    const registries = new Set(configz.map((c) => c.metadata.labels?.[REGISTRY_LABEL]));
    assert.deepEqual([...registries].sort(), ['consul', 'dubbo', 'eureka']);
    const registryz = await istiod.registryz();
    const shardz = await istiod.endpointShardz();
    serviceByHost(registryz, CONSUL_HOST);
    assert.deepEqual(addressesOf(shardz, CONSUL_HOST), ['10.20.0.11']);
    serviceByHost(registryz, EUREKA_HOST);
    assert.deepEqual(addressesOf(shardz, EUREKA_HOST), ['10.20.2.11']);
    for (const host of [IFACE_HOST, `${APP}.dubbo`]) {
      serviceByHost(registryz, host);
      assert.equal(addressesOf(shardz, host).length, 1, `${host}: the provider's address`);
    }
    assertNoProblems(istiod);
  });

  test("a change in one registry reaches istiod and leaves the other registries' resources as they were", async () => {
    const mark = istiod.mark();
    const before = await bridge.resources();
    await measureConvergence(
      'all registries: Consul instance added',
      () =>
        agent.registerService({
          ID: 'web-2',
          Name: 'web',
          Tags: ['protocol=http'],
          Address: '10.20.0.12',
          Port: 8080,
        }),
      endpointCheck(istiod, CONSUL_HOST, '10.20.0.12'),
    );
    await measureConvergence(
      'all registries: Eureka instance added',
      () => eureka.register({ app: 'SAMPLE-WEB', id: 'sample-web-2', ip: '10.20.2.12', port: 8080 }),
      endpointCheck(istiod, EUREKA_HOST, '10.20.2.12'),
    );
    const afterChange = await bridge.resources();
    assert.deepEqual(servedOf(afterChange, 'dubbo'), servedOf(before, 'dubbo'), 'Dubbo resources untouched');
    assert.notDeepEqual(servedOf(afterChange, 'consul'), servedOf(before, 'consul'));
    await assertIstiodHoldsBridgeState(istiod, bridge);
    await assertIstiodSubscribed(bridge);
    assertNoProblems(istiod, mark);
  });
}

const n = needs();
if (typeof n === 'string') unavailableSuite(SUITE, n);
else describe(SUITE, () => suite(n));

/**
 * Cases 2 and 3 with a real Consul agent: services registered in Consul reach
 * istiod (1.26 and 1.31) through the bridge's consul adapter (config store, registry,
 * endpoints), and Consul changes (instance registered, check failing, service
 * deregistered) reach istiod's registry; convergence is measured from the
 * Consul API's answer.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { adapterCatalog } from '../../src/adapters/catalog/catalog.js';
import { BridgeProcess } from '../support/bridge-process.js';
import { ConsulAgent, describeWithConsul, ttlCheck } from '../support/consul.js';
import { addressesOf, describeWithIstio, endpointsOf, Istiod } from '../support/istiod.js';
import { unavailableSuite } from '../support/skip.js';
import {
  assertIstiodHoldsBridgeState,
  assertIstiodSubscribed,
  assertNoProblems,
  byOriginalName,
  measureConvergence,
  portsOf,
  REGISTRY_LABEL,
  REGISTRY_TYPE,
  serviceByHost,
  endpointCheck,
  istiodTypeUrlsOf,
} from './helpers.js';

const SUITE = 'with the bridge (Consul registry)';
const WEB_HOST = 'web-frontend.service.consul';

function suite(bin: string): void {
  describeWithIstio(SUITE, (fx) => {
    let agent: ConsulAgent;
    let bridge: BridgeProcess;
    let istiod: Istiod;
    let ordersHost = '';

    before(async () => {
      agent = await ConsulAgent.start(bin);
      // an instance on the agent's node, with weights and a TTL check
      await agent.api('PUT', '/v1/agent/service/register', {
        ID: 'web-1',
        Name: 'Web_Frontend',
        Tags: ['protocol=http', 'canary'],
        Address: '10.1.0.1',
        Port: 8080,
        Meta: { version: 'v1' },
        Weights: { Passing: 5, Warning: 1 },
        Checks: [ttlCheck('web-1-ttl')],
      });
      // an instance on an external node with a locality in its node meta
      await agent.catalogRegister({
        Node: 'ext-node-1',
        Address: '10.1.0.2',
        NodeMeta: { region: 'eu-west-1', zone: 'eu-west-1b' },
        Service: {
          ID: 'web-2',
          Service: 'Web_Frontend',
          Tags: ['protocol=http'],
          Port: 8080,
          Meta: { version: 'v2' },
        },
        Checks: [
          {
            Node: 'ext-node-1',
            CheckID: 'web-2-check',
            Name: 'web-2',
            Status: 'passing',
            ServiceID: 'web-2',
          },
        ],
      });
      await agent.registerService({
        ID: 'orders-1',
        Name: 'Orders.GRPC_Service',
        Tags: ['protocol=grpc'],
        Address: '10.1.1.1',
        Port: 50051,
        Checks: [ttlCheck('orders-1-ttl')],
      });
      await agent.registerService({
        ID: 'orders-2',
        Name: 'Orders.GRPC_Service',
        Tags: ['protocol=grpc'],
        Address: '10.1.1.2',
        Port: 50051,
        Checks: [ttlCheck('orders-2-ttl', 'critical')],
      });
      bridge = await BridgeProcess.start({
        registries: [
          { name: 'consul', type: 'consul', address: agent.address, emptyGracePeriod: '300ms', wait: '30s' },
        ],
      });
      istiod = await Istiod.start(fx, bridge.xds);
    });

    after(async () => {
      await istiod?.stop();
      await bridge?.dispose();
      await agent?.stop();
    });

    test('2. Consul services are in istiod config store and registry, as served, none rejected', async () => {
      await assertIstiodSubscribed(bridge, 10_000, istiodTypeUrlsOf(fx.line));
      const configz = await assertIstiodHoldsBridgeState(istiod, bridge);
      assert.equal(configz.length, 2, 'Web_Frontend and Orders.GRPC_Service (Consul itself excluded)');
      const registryz = await istiod.registryz();
      const shardz = await istiod.endpointShardz();

      const web = byOriginalName(configz, 'ServiceEntry', 'Web_Frontend');
      assert.equal(web.metadata.namespace, 'consul');
      assert.equal(web.metadata.name, 'web-frontend');
      assert.equal(web.metadata.labels?.[REGISTRY_LABEL], 'consul');
      assert.equal(web.metadata.annotations?.[REGISTRY_TYPE], 'consul');
      assert.equal(web.metadata.annotations?.['registry-bridge.io/consul-datacenter'], 'dc1');
      const webSvc = serviceByHost(registryz, WEB_HOST);
      assert.equal(webSvc.Resolution, 0);
      assert.deepEqual(portsOf(webSvc), ['http-8080/8080/HTTP']);
      assert.deepEqual(addressesOf(shardz, WEB_HOST), ['10.1.0.1', '10.1.0.2']);
      const eps = endpointsOf(shardz, WEB_HOST);
      const ep1 = eps.find((e) => e.Addresses.includes('10.1.0.1'))!;
      const ep2 = eps.find((e) => e.Addresses.includes('10.1.0.2'))!;
      assert.equal(ep1.Labels?.version, 'v1');
      assert.equal(ep1.LbWeight, 5, 'Consul Weights.Passing');
      assert.equal(ep1.Locality.Label, 'dc1', 'the datacenter is the region');
      assert.equal(ep2.Labels?.version, 'v2');
      assert.equal(ep2.Locality.Label, 'eu-west-1/eu-west-1b', 'from node meta');

      const orders = byOriginalName(configz, 'ServiceEntry', 'Orders.GRPC_Service');
      ordersHost = `${orders.metadata.name}.service.consul`;
      assert.equal(orders.metadata.name, 'orders-grpc-service');
      const ordersSvc = serviceByHost(registryz, ordersHost);
      assert.deepEqual(portsOf(ordersSvc), ['grpc-50051/50051/GRPC']);
      assert.deepEqual(addressesOf(shardz, ordersHost), ['10.1.1.1'], 'critical orders-2 absent');
      assertNoProblems(istiod);
    });

    test('3. Consul changes reach istiod: instance registered, check failing, service deregistered', async () => {
      const mark = istiod.mark();
      await measureConvergence(
        'consul: instance added',
        () =>
          agent.registerService({
            ID: 'web-3',
            Name: 'Web_Frontend',
            Tags: ['protocol=http'],
            Address: '10.1.0.3',
            Port: 8080,
            Checks: [ttlCheck('web-3-ttl')],
          }),
        endpointCheck(istiod, WEB_HOST, '10.1.0.3'),
      );
      await measureConvergence(
        'consul: check failing',
        () => agent.setCheck('web-1-ttl', 'critical'),
        endpointCheck(istiod, WEB_HOST, '10.1.0.1', false),
      );
      assert.deepEqual(addressesOf(await istiod.endpointShardz(), WEB_HOST), ['10.1.0.2', '10.1.0.3']);
      assert.deepEqual(portsOf(serviceByHost(await istiod.registryz(), WEB_HOST)), ['http-8080/8080/HTTP']);
      await measureConvergence(
        'consul: service deregistered (incl. 300 ms emptyGracePeriod)',
        async () => {
          await agent.deregisterService('orders-2');
          await agent.deregisterService('orders-1');
        },
        async () => {
          const [registryz, configz] = [await istiod.registryz(), await istiod.configz()];
          const gone =
            !registryz.some((s) => s.hostname === ordersHost) &&
            !configz.some((c) => c.metadata.name === 'orders-grpc-service');
          return gone ? true : undefined;
        },
      );
      const configz = await assertIstiodHoldsBridgeState(istiod, bridge);
      assert.deepEqual(
        configz.map((c) => c.metadata.name),
        ['web-frontend'],
      );
      assertNoProblems(istiod, mark);
    });
  });
}

if (adapterCatalog.has('consul')) {
  describeWithConsul('Consul registry end to end', suite);
} else {
  unavailableSuite(
    SUITE,
    'the consul adapter is not registered in src/adapters/catalog.ts (type: consul unavailable)',
  );
}

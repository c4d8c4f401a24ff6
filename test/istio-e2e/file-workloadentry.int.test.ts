/**
 * Real istiod (1.26 and 1.31) with the bridge in workloadentry mode: istiod stores the
 * WorkloadEntries, and its ServiceEntry controller selects them for the
 * ServiceEntry hosts (endpointShardz lists the WorkloadEntry addresses, with
 * the WorkloadEntry as the workload).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { BridgeProcess } from '../support/bridge-process.js';
import type { Istiod } from '../support/istiod.js';
import { addressesOf, describeWithIstio, endpointsOf, type ConfigzEntry } from '../support/istiod.js';
import {
  assertIstiodHoldsBridgeState,
  assertIstiodSubscribed,
  assertNoProblems,
  byOriginalName,
  measureConvergence,
  portsOf,
  receivedCount,
  SERVICE_SELECTOR,
  serviceByHost,
  type FileService,
  startBridgeAndIstiod,
  stopBridgeAndIstiod,
  FILE_REGISTRY,
  endpointCheck,
  istiodTypeUrlsOf,
} from './helpers.js';

const INVENTORY_HOST = 'inventory-api.shop-floor';
const LEGACY_HOST = 'legacy-dns-backend.ext';

function initialServices(): FileService[] {
  return [
    {
      name: 'Inventory_API',
      namespace: 'Shop_Floor',
      protocol: 'http',
      instances: [
        {
          address: '10.0.5.1',
          port: 8080,
          labels: { Version: 'v2', track: 'stable!' },
          locality: 'us-west-2/us-west-2a',
          weight: 3,
        },
        { address: '10.0.5.1', port: 8081, labels: { Version: 'v2' } },
        { address: '10.0.5.2', port: 8080, labels: { Version: 'v1' } },
        { address: '10.0.5.2', port: 8081 },
        { address: '10.0.5.3', port: 8080, healthy: false },
      ],
    },
    {
      name: 'Legacy.DNS_Backend',
      protocol: 'tcp',
      instances: [{ address: 'legacy-1.example.internal', port: 5432 }],
    },
  ];
}

describeWithIstio('with the bridge (file registry, WorkloadEntry mode)', (fx) => {
  const typeUrls = istiodTypeUrlsOf(fx.line);
  let bridge: BridgeProcess;
  let istiod: Istiod;
  let services: FileService[];
  const write = (): void => bridge.writeServices({ services });

  before(async () => {
    services = initialServices();
    ({ bridge, istiod } = await startBridgeAndIstiod(fx, {
      mode: 'workloadentry',
      registries: [FILE_REGISTRY],
      services: { services },
    }));
  });

  after(() => stopBridgeAndIstiod(istiod, bridge));

  /** The WorkloadEntries istiod stores for a ServiceEntry: same namespace, selector label. */
  const workloadsOf = (configz: ConfigzEntry[], se: ConfigzEntry): ConfigzEntry[] =>
    configz.filter(
      (c) =>
        c.kind === 'WorkloadEntry' &&
        c.metadata.namespace === se.metadata.namespace &&
        c.metadata.labels?.[SERVICE_SELECTOR] === se.metadata.name,
    );

  test('6. istiod stores the WorkloadEntries and resolves the ServiceEntry hosts to them', async () => {
    assert.equal(receivedCount(istiod, 'networking.istio.io/v1/ServiceEntry'), 2);
    assert.equal(receivedCount(istiod, 'networking.istio.io/v1/WorkloadEntry'), 3);
    await assertIstiodSubscribed(bridge, 10_000, typeUrls);
    const configz = await assertIstiodHoldsBridgeState(istiod, bridge);
    const registryz = await istiod.registryz();
    const shardz = await istiod.endpointShardz();

    const inventory = byOriginalName(configz, 'ServiceEntry', 'Inventory_API');
    assert.equal(inventory.metadata.namespace, 'shop-floor');
    assert.equal(inventory.metadata.name, 'inventory-api');
    assert.deepEqual(inventory.spec.workloadSelector, { labels: { [SERVICE_SELECTOR]: 'inventory-api' } });
    assert.equal(inventory.spec.endpoints, undefined, 'no inline endpoints in workloadentry mode');
    const wes = workloadsOf(configz, inventory);
    assert.deepEqual(
      wes.map((w) => w.spec.address).sort(),
      ['10.0.5.1', '10.0.5.2'],
      'unhealthy 10.0.5.3 has none',
    );
    assert.deepEqual(portsOf(serviceByHost(registryz, INVENTORY_HOST)), [
      'http-8080/8080/HTTP',
      'http-8081/8081/HTTP',
    ]);

    // istiod's registry: the host's endpoints are exactly the WorkloadEntries.
    assert.deepEqual(addressesOf(shardz, INVENTORY_HOST), ['10.0.5.1', '10.0.5.2']);
    const weName = new Map(wes.map((w) => [w.spec.address as string, w.metadata.name]));
    const eps = endpointsOf(shardz, INVENTORY_HOST);
    assert.equal(eps.length, 4, 'two addresses x two ports');
    for (const e of eps) {
      const addr = e.Addresses[0]!;
      assert.equal(e.WorkloadName, weName.get(addr), `${addr} comes from its WorkloadEntry`);
      assert.equal(e.Namespace, 'shop-floor');
      assert.equal(e.Labels?.[SERVICE_SELECTOR], 'inventory-api');
    }
    const first = eps.find((e) => e.Addresses[0] === '10.0.5.1')!;
    assert.equal(first.Labels?.Version, 'v2');
    assert.equal(first.Labels?.track, 'stable', 'label value mended');
    assert.equal(first.Locality.Label, 'us-west-2/us-west-2a');
    assert.equal(first.LbWeight, 3);
    assert.equal(eps.find((e) => e.Addresses[0] === '10.0.5.2')!.Labels?.Version, 'v1');

    // a host-name address as a WorkloadEntry, under a DNS ServiceEntry
    const legacy = byOriginalName(configz, 'ServiceEntry', 'Legacy.DNS_Backend');
    assert.equal(legacy.spec.resolution, 'DNS');
    assert.equal(serviceByHost(registryz, LEGACY_HOST).Resolution, 1);
    assert.deepEqual(
      workloadsOf(configz, legacy).map((w) => w.spec.address),
      ['legacy-1.example.internal'],
    );
    assert.deepEqual(addressesOf(shardz, LEGACY_HOST), ['legacy-1.example.internal']);
    assertNoProblems(istiod);
  });

  test('6b. WorkloadEntry changes reach istiod: instance added, health failed, service deregistered', async () => {
    const mark = istiod.mark();
    const inventory = services[0]!;
    await measureConvergence(
      'workloadentry: instance added',
      () => {
        inventory.instances.push({ address: '10.0.5.4', port: 8080 }, { address: '10.0.5.4', port: 8081 });
        write();
      },
      endpointCheck(istiod, INVENTORY_HOST, '10.0.5.4'),
    );
    await measureConvergence(
      'workloadentry: instance health failed',
      () => {
        for (const i of inventory.instances) if (i.address === '10.0.5.2') i.healthy = false;
        write();
      },
      endpointCheck(istiod, INVENTORY_HOST, '10.0.5.2', false),
    );
    assert.deepEqual(addressesOf(await istiod.endpointShardz(), INVENTORY_HOST), ['10.0.5.1', '10.0.5.4']);
    await measureConvergence(
      'workloadentry: service deregistered',
      () => {
        services = services.filter((s) => s.name !== 'Legacy.DNS_Backend');
        write();
      },
      async () => {
        const [registryz, configz] = [await istiod.registryz(), await istiod.configz()];
        const gone =
          !registryz.some((s) => s.hostname === LEGACY_HOST) &&
          !configz.some((c) => c.metadata.name.startsWith('legacy-dns-backend'));
        return gone ? true : undefined;
      },
    );
    const configz = await assertIstiodHoldsBridgeState(istiod, bridge);
    assert.deepEqual(
      configz
        .filter((c) => c.kind === 'WorkloadEntry')
        .map((c) => c.spec.address)
        .sort(),
      ['10.0.5.1', '10.0.5.4'],
      'the WorkloadEntry of the failed instance and of the removed service are deleted',
    );
    assertNoProblems(istiod, mark);
  });
});

/**
 * Case 7 with a real older istiod: pilot-discovery of the 1.22 development
 * line (istio.io/istio v0.0.0-20240221233722-55f12a68b4f9, built by
 * test/istio-legacy/build.sh), which asks for the pre-1.24 type URLs
 * (networking.istio.io/v1alpha3/ServiceEntry, ...), with the bridge as its
 * only config source; plus the same adsc-probe source built against that
 * istio's own pkg/adsc and validating memory store.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BridgeProcess } from '../support/bridge-process.js';
import {
  addressesOf,
  describeWithLegacyIstio,
  endpointsOf,
  Istiod,
  runProbe,
  until,
  type LegacyIstioFixtures,
} from '../support/istiod.js';
import {
  assertIstiodHoldsBridgeState,
  assertIstiodSubscribed,
  assertNoProblems,
  byOriginalName,
  ISTIOD_122_TYPE_URLS,
  measureConvergence,
  portsOf,
  protoJson,
  receivedCount,
  serviceByHost,
  LONG_NAME,
  startBridgeAndIstiod,
  stopBridgeAndIstiod,
  assertEveryKindReceived,
  uglyServices,
  endpointCheck,
} from './helpers.js';

const fileRegistry = { name: 'files', type: 'file', namespace: 'ext', path: 'services.yaml' };

/** The legacy probe syncs every pre-1.24 type URL and holds exactly what the bridge serves. */
async function assertProbeHoldsBridgeState(
  legacy: LegacyIstioFixtures,
  bridge: BridgeProcess,
  kinds: Record<string, number>,
): Promise<void> {
  const p = await runProbe(legacy, bridge.xds);
  assert.equal(p.code, 0, `probe exit status (0 = synced)\n${p.stdout}\n${p.stderr}`);
  assert.equal(p.synced, true);
  assert.equal(p.types, 14, '14 Istio kinds answered');
  assert.deepEqual(p.validationErrors, [], 'validation errors');
  assert.deepEqual(p.warnings, [], 'adsc warnings');
  assert.deepEqual(p.errors, []);
  assert.deepEqual([...new Set(p.responseTypeUrls)].sort(), [...ISTIOD_122_TYPE_URLS].sort());

  const served = await bridge.resources();
  const expected = new Map<string, unknown>();
  for (const [kind, k] of Object.entries(served.kinds)) {
    for (const r of k.resources) expected.set(`${kind} ${r.name}@${r.version}`, protoJson(r.spec));
  }
  const got = new Map(
    p.resources.map((r) => [`${r.kind} ${r.namespace}/${r.name}@${r.resourceVersion}`, protoJson(r.spec)]),
  );
  assert.deepEqual([...got.keys()].sort(), [...expected.keys()].sort(), 'names and resourceVersions');
  for (const [key, spec] of expected) assert.deepEqual(got.get(key), spec, `${key}: spec`);
  const count: Record<string, number> = {};
  for (const r of p.resources) count[r.kind] = (count[r.kind] ?? 0) + 1;
  assert.deepEqual(count, kinds);
}

describeWithLegacyIstio('istiod of the 1.22 line (v1alpha3 type URLs) with the bridge', (fx, legacy) => {
  describe('serviceentry mode: istiod', () => {
    let bridge: BridgeProcess;
    let istiod: Istiod;
    const services = uglyServices();
    let longHost = '';

    before(async () => {
      ({ bridge, istiod } = await startBridgeAndIstiod(
        fx,
        { registries: [{ ...fileRegistry, pollInterval: '100ms' }], services: { services } },
        { binary: legacy.pilotDiscovery },
      ));
    });
    after(() => stopBridgeAndIstiod(istiod, bridge));

    test('7. istiod asks for the v1alpha3 type URLs, becomes ready and stores what the bridge serves', async () => {
      assertEveryKindReceived(istiod, ISTIOD_122_TYPE_URLS, 4);
      await assertIstiodSubscribed(bridge, 10_000, ISTIOD_122_TYPE_URLS);

      const configz = await assertIstiodHoldsBridgeState(istiod, bridge);
      assert.equal(configz.length, 4);
      for (const c of configz) assert.equal(c.apiVersion, 'networking.istio.io/v1alpha3', c.metadata.name);
      // istiod sets pilot_services on its first push, which can trail its readiness on a busy machine.
      const services = await until(
        'istiod reports pilot_services',
        async () => (await istiod.metrics()).get('pilot_services'),
        10_000,
      );
      assert.equal(services.value, 4);

      const registryz = await istiod.registryz();
      const shardz = await istiod.endpointShardz();
      assert.equal(registryz.length, 4);
      const billing = serviceByHost(registryz, 'legacy-billing-api.pay-ments');
      assert.equal(billing.Attributes.ServiceRegistry, 'External');
      assert.equal(billing.Resolution, 0, 'STATIC = ClientSideLB');
      assert.deepEqual(portsOf(billing), ['grpc-50051/50051/GRPC', 'http-8080/8080/HTTP']);
      assert.deepEqual(addressesOf(shardz, 'legacy-billing-api.pay-ments'), ['10.0.1.5'], 'unhealthy absent');
      for (const e of endpointsOf(shardz, 'legacy-billing-api.pay-ments')) {
        assert.equal(e.Labels?.Version, 'v1.0_beta', 'label value mended');
        assert.ok(!('bad key' in (e.Labels ?? {})), 'invalid label key dropped');
      }

      const long = byOriginalName(configz, 'ServiceEntry', LONG_NAME);
      longHost = `${long.metadata.name}.ext`;
      assert.deepEqual(portsOf(serviceByHost(registryz, longHost)), ['http2-9090/9090/HTTP2']);
      assert.deepEqual(addressesOf(shardz, longHost), ['10.0.2.1', '10.0.2.2']);
      assert.deepEqual(
        endpointsOf(shardz, longHost)
          .map((e) => `${e.Addresses.join()} ${e.Locality.Label} w=${e.LbWeight}`)
          .sort(),
        ['10.0.2.1 us-east-1/us-east-1a/rack-1 w=5', '10.0.2.2 eu-west-1/eu-west-1b w=2'],
      );

      const payments = serviceByHost(registryz, 'payments.shop.example');
      assert.equal(payments.Resolution, 1, 'DNS = DNSLB');
      assert.deepEqual(addressesOf(shardz, 'payments.shop.example'), ['payments-1.shop.example']);
      assert.deepEqual(endpointsOf(shardz, 'dark-launch.ext'), [], 'all unhealthy: no endpoints');
      assertNoProblems(istiod);
    });

    test('7. a registry change (instance added) reaches istiod', async () => {
      const mark = istiod.mark();
      await measureConvergence(
        'istiod 1.22 line, file: instance added',
        () => {
          services.find((s) => s.name === LONG_NAME)!.instances.push({ address: '10.0.2.3', port: 9090 });
          bridge.writeServices({ services });
        },
        endpointCheck(istiod, longHost, '10.0.2.3'),
      );
      assert.deepEqual(addressesOf(await istiod.endpointShardz(), longHost), [
        '10.0.2.1',
        '10.0.2.2',
        '10.0.2.3',
      ]);
      await assertIstiodHoldsBridgeState(istiod, bridge);
      await assertIstiodSubscribed(bridge, 10_000, ISTIOD_122_TYPE_URLS);
      assertNoProblems(istiod, mark);
    });

    test('7. the 1.22 line adsc-probe (its pkg/adsc + validating store) holds what the bridge serves', async () => {
      await assertProbeHoldsBridgeState(legacy, bridge, { ServiceEntry: 4 });
    });
  });

  describe('workloadentry mode: istiod and probe', () => {
    let bridge: BridgeProcess;
    before(async () => {
      bridge = await BridgeProcess.start({
        mode: 'workloadentry',
        registries: [fileRegistry],
        services: { services: uglyServices() },
      });
    });
    after(async () => {
      await bridge?.dispose();
    });

    test('7. istiod stores the v1alpha3 WorkloadEntries and lists their addresses as endpoints', async () => {
      const istiod = await Istiod.start(fx, bridge.xds, { binary: legacy.pilotDiscovery });
      try {
        assert.equal(receivedCount(istiod, 'networking.istio.io/v1alpha3/WorkloadEntry'), 4);
        const configz = await assertIstiodHoldsBridgeState(istiod, bridge);
        for (const c of configz) assert.equal(c.apiVersion, 'networking.istio.io/v1alpha3', c.metadata.name);
        const long = byOriginalName(configz, 'ServiceEntry', LONG_NAME);
        const shardz = await istiod.endpointShardz();
        assert.deepEqual(addressesOf(shardz, `${long.metadata.name}.ext`), ['10.0.2.1', '10.0.2.2']);
        assert.deepEqual(addressesOf(shardz, 'legacy-billing-api.pay-ments'), ['10.0.1.5']);
        assertNoProblems(istiod);
      } finally {
        await istiod.stop();
      }
    });

    test('7. the 1.22 line adsc-probe holds what the bridge serves', async () => {
      await assertProbeHoldsBridgeState(legacy, bridge, { ServiceEntry: 4, WorkloadEntry: 4 });
    });
  });
});

/**
 * Real istiod (each line: 1.26 and 1.31) with the bridge (file registry,
 * serviceentry mode) as its only config source: readiness, what istiod stores and builds from it,
 * registry changes, bridge restart and bridge outage. One istiod and one
 * bridge process for the whole file; the cases run in order and build on
 * each other's state.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { BridgeProcess } from '../support/bridge-process.js';
import type { Istiod } from '../support/istiod.js';
import {
  addressesOf,
  describeWithIstio,
  endpointsOf,
  reportConvergence,
  sleep,
  until,
  type ConfigzEntry,
} from '../support/istiod.js';
import {
  assertDns1123Label,
  assertIstiodHoldsBridgeState,
  assertIstiodSubscribed,
  assertNoProblems,
  byOriginalName,
  istiodTypeUrlsOf,
  MANAGED_BY,
  measureConvergence,
  portsOf,
  receivedCount,
  REGISTRY_LABEL,
  REGISTRY_TYPE,
  serviceByHost,
  settle,
  sortedConfigz,
  sum,
  updateCounters,
  type FileInstance,
  type FileService,
  startBridgeAndIstiod,
  stopBridgeAndIstiod,
  assertEveryKindReceived,
  FILE_REGISTRY,
  LONG_NAME,
  endpointCheck,
} from './helpers.js';

const twoPorts = (address: string, extra: Partial<FileInstance> = {}): FileInstance[] => [
  { address, port: 9090, ...extra },
  { address, port: 9091, ...extra },
];

function initialServices(): FileService[] {
  return [
    {
      // upper case, underscore, dot; own namespace (also not DNS-safe); two
      // protocols; labels Kubernetes rejects; an unhealthy address
      name: 'Legacy_Billing.API',
      namespace: 'Pay_Ments',
      protocol: 'grpc',
      instances: [
        {
          address: '10.0.1.5',
          port: 50051,
          labels: { Version: 'v1.0_beta!', 'bad key/with/slashes': 'x', tier: 'backend' },
        },
        { address: '10.0.1.5', port: 8080, protocol: 'http', labels: { tier: 'backend' } },
        { address: '10.0.1.6', port: 50051, healthy: false },
        { address: '10.0.1.6', port: 8080, protocol: 'http', healthy: false },
      ],
    },
    {
      // 70 characters; two ports; locality and weight
      name: LONG_NAME,
      protocol: 'http2',
      instances: [
        ...twoPorts('10.0.2.1', { locality: 'us-east-1/us-east-1a/rack-1', weight: 5 }),
        ...twoPorts('10.0.2.2', { locality: 'eu-west-1/eu-west-1b', weight: 2 }),
      ],
    },
    {
      // host name addresses: resolution DNS; upper-case host
      name: 'Payments.Gateway',
      host: 'Payments.Shop.Example',
      protocol: 'https',
      instances: [
        { address: 'payments-1.shop.example', port: 8443 },
        { address: 'payments-2.shop.example', port: 8443 },
      ],
    },
    {
      // every instance unhealthy: the host stays, with no endpoints
      name: 'Dark_Launch',
      protocol: 'tcp',
      instances: [{ address: '10.0.3.1', port: 7000, healthy: false }],
    },
  ];
}

describeWithIstio('with the bridge (file registry, ServiceEntry mode)', (fx) => {
  const typeUrls = istiodTypeUrlsOf(fx.line);
  let bridge: BridgeProcess;
  let istiod: Istiod;
  let services: FileService[];
  let longHost = '';

  const write = (): void => bridge.writeServices({ services });
  const longService = (): FileService => services.find((s) => s.name === LONG_NAME)!;

  before(async () => {
    assert.equal(LONG_NAME.length, 70);
    services = initialServices();
    ({ bridge, istiod } = await startBridgeAndIstiod(fx, {
      registries: [FILE_REGISTRY],
      services: { services },
    }));
  });

  after(() => stopBridgeAndIstiod(istiod, bridge));

  test('1. istiod becomes ready with the bridge as its only config source: every kind answered', async () => {
    // Istiod.start waited for the gRPC port (opened only after every type synced).
    assertEveryKindReceived(istiod, typeUrls, 4);
    await assertIstiodSubscribed(bridge, 10_000, typeUrls);
    const configz = await istiod.configz();
    assert.deepEqual([...new Set(configz.map((c) => c.kind))], ['ServiceEntry']);
    assert.equal(configz.length, 4);
    // istiod sets pilot_services on its first push, which can trail its readiness on a busy machine.
    const services = await until(
      'istiod reports pilot_services',
      async () => (await istiod.metrics()).get('pilot_services'),
      10_000,
    );
    assert.equal(services.value, 4);
    assertNoProblems(istiod);
  });

  test('2. file services are in istiod config store and registry, as served, none rejected', async () => {
    const configz = await assertIstiodHoldsBridgeState(istiod, bridge);
    const registryz = await istiod.registryz();
    const shardz = await istiod.endpointShardz();
    assert.equal(registryz.length, 4);

    // Legacy_Billing.API in Pay_Ments
    const billing = byOriginalName(configz, 'ServiceEntry', 'Legacy_Billing.API');
    assert.equal(billing.metadata.namespace, 'pay-ments');
    assert.equal(billing.metadata.name, 'legacy-billing-api');
    assert.equal(billing.metadata.labels?.[MANAGED_BY], 'istio-registry-bridge');
    assert.equal(billing.metadata.labels?.[REGISTRY_LABEL], 'files');
    assert.equal(billing.metadata.annotations?.[REGISTRY_TYPE], 'file');
    const billingSvc = serviceByHost(registryz, 'legacy-billing-api.pay-ments');
    assert.equal(billingSvc.Attributes.Namespace, 'pay-ments');
    assert.equal(billingSvc.Attributes.ServiceRegistry, 'External');
    assert.equal(billingSvc.Resolution, 0, 'STATIC = ClientSideLB');
    assert.equal(billingSvc.MeshExternal, false);
    assert.deepEqual(portsOf(billingSvc), ['grpc-50051/50051/GRPC', 'http-8080/8080/HTTP']);
    assert.deepEqual(
      addressesOf(shardz, 'legacy-billing-api.pay-ments'),
      ['10.0.1.5'],
      'unhealthy 10.0.1.6 absent',
    );
    const billingEps = endpointsOf(shardz, 'legacy-billing-api.pay-ments');
    assert.deepEqual(billingEps.map((e) => `${e.ServicePortName}:${e.EndpointPort}`).sort(), [
      'grpc-50051:50051',
      'http-8080:8080',
    ]);
    for (const e of billingEps) {
      assert.equal(e.Labels?.Version, 'v1.0_beta', 'label value mended');
      assert.equal(e.Labels?.tier, 'backend');
      assert.ok(!('bad key/with/slashes' in (e.Labels ?? {})), 'invalid label key dropped');
    }

    // the 70-character name
    const long = byOriginalName(configz, 'ServiceEntry', LONG_NAME);
    assertDns1123Label(long.metadata.name);
    assert.match(long.metadata.name, /^warehouse-order-fulfilment-service-api-v2-[a-z0-9-]+-[0-9a-f]{8}$/);
    assert.equal(long.metadata.namespace, 'ext');
    longHost = `${long.metadata.name}.ext`;
    const longSvc = serviceByHost(registryz, longHost);
    assert.deepEqual(portsOf(longSvc), ['http2-9090/9090/HTTP2', 'http2-9091/9091/HTTP2']);
    assert.deepEqual(addressesOf(shardz, longHost), ['10.0.2.1', '10.0.2.2']);
    const localityOf = (addr: string): string[] => [
      ...new Set(
        endpointsOf(shardz, longHost)
          .filter((e) => e.Addresses.includes(addr))
          .map((e) => `${e.Locality.Label} w=${e.LbWeight}`),
      ),
    ];
    assert.deepEqual(localityOf('10.0.2.1'), ['us-east-1/us-east-1a/rack-1 w=5']);
    assert.deepEqual(localityOf('10.0.2.2'), ['eu-west-1/eu-west-1b w=2']);

    // host name addresses, DNS resolution, upper-case host made DNS-safe
    const payments = byOriginalName(configz, 'ServiceEntry', 'Payments.Gateway');
    assert.equal(payments.metadata.name, 'payments-gateway');
    assert.deepEqual(payments.spec.hosts, ['payments.shop.example']);
    const paymentsSvc = serviceByHost(registryz, 'payments.shop.example');
    assert.equal(paymentsSvc.Resolution, 1, 'DNS = DNSLB');
    assert.deepEqual(portsOf(paymentsSvc), ['https-8443/8443/HTTPS']);
    assert.deepEqual(addressesOf(shardz, 'payments.shop.example'), [
      'payments-1.shop.example',
      'payments-2.shop.example',
    ]);

    // all instances unhealthy: the service stays, without endpoints
    const dark = serviceByHost(registryz, 'dark-launch.ext');
    assert.deepEqual(portsOf(dark), ['tcp-7000/7000/TCP']);
    assert.deepEqual(endpointsOf(shardz, 'dark-launch.ext'), []);

    assertNoProblems(istiod);
  });

  test('3. registry changes reach istiod: instance added, health failed, service deregistered', async () => {
    const mark = istiod.mark();
    let counters = await updateCounters(istiod);
    const moved = async (): Promise<void> => {
      const now = await updateCounters(istiod);
      assert.ok(sum(now) > sum(counters), 'istiod counted config events for the change');
      counters = now;
    };

    await measureConvergence(
      'file: instance added',
      () => {
        longService().instances.push(...twoPorts('10.0.2.3'));
        write();
      },
      endpointCheck(istiod, longHost, '10.0.2.3'),
    );
    assert.deepEqual(addressesOf(await istiod.endpointShardz(), longHost), [
      '10.0.2.1',
      '10.0.2.2',
      '10.0.2.3',
    ]);
    await moved();

    await measureConvergence(
      'file: instance health failed',
      () => {
        for (const i of longService().instances) if (i.address === '10.0.2.1') i.healthy = false;
        write();
      },
      endpointCheck(istiod, longHost, '10.0.2.1', false),
    );
    assert.deepEqual(addressesOf(await istiod.endpointShardz(), longHost), ['10.0.2.2', '10.0.2.3']);
    assert.deepEqual(
      portsOf(serviceByHost(await istiod.registryz(), longHost)),
      ['http2-9090/9090/HTTP2', 'http2-9091/9091/HTTP2'],
      'ports unchanged by a health flip',
    );
    await moved();

    await measureConvergence(
      'file: service deregistered',
      () => {
        services = services.filter((s) => s.name !== 'Payments.Gateway');
        write();
      },
      async () => {
        const [registryz, configz] = [await istiod.registryz(), await istiod.configz()];
        const gone =
          !registryz.some((s) => s.hostname === 'payments.shop.example') &&
          !configz.some((c) => c.metadata.name === 'payments-gateway');
        return gone ? true : undefined;
      },
    );
    assert.deepEqual(addressesOf(await istiod.endpointShardz(), 'payments.shop.example'), []);
    await moved();

    await assertIstiodHoldsBridgeState(istiod, bridge);
    assertNoProblems(istiod, mark);
  });

  test('4. restarting the bridge changes nothing in istiod', async () => {
    const counters = await settle(istiod); // case 3's last push has happened
    const before = sortedConfigz(await istiod.configz());
    const served = (await bridge.resources()).kinds.ServiceEntry!.version;
    const mark = istiod.mark();

    await bridge.stop();
    await bridge.launch();
    const started = performance.now();
    // istiod noticed, reconnected and received every kind again (full state).
    await istiod.waitForLog(/connection closed with err/, mark, 10_000);
    const { ms } = await until(
      'istiod resubscribed to every kind',
      () => (typeUrls.every((u) => receivedCount(istiod, u, mark) !== undefined) ? true : undefined),
      70_000,
      started,
    );
    reportConvergence('bridge restart: istiod reconnected and received every kind', ms);
    assert.equal(receivedCount(istiod, 'networking.istio.io/v1/ServiceEntry', mark), before.length);
    await sleep(1_000); // istiod debounces config events by 100 ms; give any push time to show

    assert.deepEqual(
      sortedConfigz(await istiod.configz()),
      before,
      'configz identical, resourceVersions included',
    );
    assert.deepEqual(await updateCounters(istiod), counters, 'no config/eds/svc events, no push');
    const since = istiod.logSince(mark);
    assert.doesNotMatch(since, /Push debounce stable|XDS: Pushing|Cache Update/);
    const client = await assertIstiodSubscribed(bridge, 10_000, typeUrls);
    const se = client.watches.find((w) => w.typeUrl === 'networking.istio.io/v1/ServiceEntry')!;
    assert.equal(se.lastAckedVersion, served, 'the restarted bridge serves the same type version');
    assertNoProblems(istiod, mark);
  });

  test('5. with the bridge stopped istiod keeps its config, then reconnects and converges', async () => {
    const keyed = (c: ConfigzEntry[]): string[] =>
      sortedConfigz(c).map(
        (e) => `${e.kind} ${e.metadata.namespace}/${e.metadata.name}@${e.metadata.resourceVersion}`,
      );
    const before = await istiod.configz();
    const hostsBefore = (await istiod.registryz()).map((s) => s.hostname).sort();
    const shardsBefore = await istiod.endpointShardz();
    const mark = istiod.mark();

    await bridge.stop();
    await istiod.waitForLog(/connection closed with err/, mark, 10_000);
    // Down for ~1.5 s: istiod keeps everything, and a change is made meanwhile.
    longService().instances.push(...twoPorts('10.0.2.4'));
    write();
    for (let i = 0; i < 3; i++) {
      await sleep(500);
      assert.deepEqual(keyed(await istiod.configz()), keyed(before), 'configz unchanged while down');
      assert.deepEqual((await istiod.registryz()).map((s) => s.hostname).sort(), hostsBefore);
      assert.deepEqual(await istiod.endpointShardz(), shardsBefore, 'endpoints unchanged while down');
    }

    await bridge.launch();
    const up = performance.now();
    const { ms } = await until(
      'istiod reconnected and holds the change made while the bridge was down',
      endpointCheck(istiod, longHost, '10.0.2.4'),
      70_000,
      up,
    );
    reportConvergence('bridge back after 1.5 s down: change made while down reached istiod', ms);
    assert.deepEqual(addressesOf(await istiod.endpointShardz(), longHost), [
      '10.0.2.2',
      '10.0.2.3',
      '10.0.2.4',
    ]);
    await assertIstiodHoldsBridgeState(istiod, bridge);
    await assertIstiodSubscribed(bridge, 10_000, typeUrls);
    assertNoProblems(istiod, mark);
  });
});

/**
 * The eureka adapter against a real Spring Cloud Netflix Eureka server (the
 * fixture in test/fixtures/eureka-server), one server for the whole file:
 * instances are registered, changed and removed through Eureka's REST API,
 * as Eureka clients do. Each case starts its own adapter.
 */
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { APP_ANNOTATION, METADATA_ANNOTATION } from '../../../src/adapters/eureka/to-service.js';
import { convertService } from '../../../src/convert/service-entry.js';
import type { ServiceEntryResource } from '../../../src/model/istio.js';
import type { RegistryService } from '../../../src/model/registry.js';
import { describeWithEureka, EurekaServer, type InstanceDef } from '../../support/eureka.js';
import type { RecordingSink } from '../../support/recording-sink.js';
import { Adapters, pollUntil, sleep, type RunningAdapter } from './harness.js';

/** How long one change may take to arrive (a 200 ms refresh, on a loaded 2-core machine). */
const CONVERGE_MS = 15_000;
/** Eureka forgets a change in /apps/delta after this long (the default is 3 minutes). */
const DELTA_RETENTION_MS = 1_000;

/** `address:port protocol healthy|unhealthy` of each instance, sorted. */
function summary(s: RegistryService | undefined): string[] {
  return (s?.instances ?? [])
    .map((i) => `${i.address}:${i.port} ${i.protocol ?? '-'} ${i.healthy ? 'healthy' : 'unhealthy'}`)
    .sort();
}

function serviceEntry(s: RegistryService): ServiceEntryResource {
  const r = convertService(s, {
    registryName: 'eu',
    registryType: 'eureka',
    namespace: 'eureka',
    mode: 'serviceentry',
  });
  return r.resources[0] as ServiceEntryResource;
}

describeWithEureka('eureka adapter against a real Eureka server', (fixture) => {
  let server: EurekaServer;
  const adapters = new Adapters();

  before(async () => {
    server = await EurekaServer.start(fixture, { deltaRetentionMs: DELTA_RETENTION_MS });
  });
  afterEach(async () => {
    await adapters.stopAll();
  });
  after(async () => {
    await server?.stop();
  });

  const start = (settings: Record<string, unknown> = {}): Promise<RunningAdapter> =>
    adapters.start({ address: server.address, ...settings });
  const synced = (sink: RecordingSink): Promise<void> =>
    sink.waitFor('synced()', () => sink.isSynced, CONVERGE_MS);
  const until = (sink: RecordingSink, what: string, predicate: () => boolean): Promise<void> =>
    sink.waitFor(what, predicate, CONVERGE_MS);
  const register = (d: InstanceDef): Promise<void> => server.register(d);

  test('several registered instances are served after the first full fetch: <app>.eureka host, <protocol>-<port> ports, labels, zone locality', async () => {
    await register({
      app: 'demo',
      id: 'demo-1',
      ip: '10.0.0.1',
      metadata: { zone: 'z1', region: 'r1', version: 'v1' },
    });
    await register({ app: 'demo', id: 'demo-2', ip: '10.0.0.2', metadata: { version: 'v2' } });
    await register({ app: 'demo', id: 'demo-3', ip: '10.0.0.3', port: 9090, metadata: { protocol: 'grpc' } });
    const { sink } = await start();
    await synced(sink);
    const demo = sink.services.get('DEMO');
    assert.ok(demo, sink.describe());
    assert.equal(demo.name, 'demo');
    assert.equal(demo.host, 'demo.eureka');
    assert.equal(demo.annotations?.[APP_ANNOTATION], 'DEMO');
    assert.deepEqual(summary(demo), [
      '10.0.0.1:8080 - healthy',
      '10.0.0.2:8080 - healthy',
      '10.0.0.3:9090 grpc healthy',
    ]);
    const byId = new Map(demo.instances.map((i) => [i.id, i]));
    assert.deepEqual(byId.get('demo-1')?.labels, { region: 'r1', version: 'v1', zone: 'z1' });
    assert.equal(byId.get('demo-1')?.locality, 'r1/z1');
    assert.deepEqual(byId.get('demo-2')?.labels, { version: 'v2' }, 'no @class artefact among the labels');
    const se = serviceEntry(demo);
    assert.deepEqual(se.spec.hosts, ['demo.eureka']);
    assert.deepEqual(se.spec.ports, [
      { number: 8080, protocol: 'HTTP', name: 'http-8080' },
      { number: 9090, protocol: 'GRPC', name: 'grpc-9090' },
    ]);
    assert.equal(sink.count('synced'), 1);
  });

  test('an instance registered after the first sync arrives through /apps/delta, without another full fetch', async () => {
    await register({ app: 'late', id: 'late-0', ip: '10.0.1.1' });
    const { adapter, sink } = await start();
    await synced(sink);
    await sleep(400); // a few deltas
    const fulls = adapter.stats()!.fullFetches;
    await register({ app: 'late', id: 'late-1', ip: '10.0.1.2' });
    await until(sink, 'late-1', () => summary(sink.services.get('LATE')).length === 2);
    const st = adapter.stats()!;
    assert.equal(st.fullFetches, fulls, 'no full fetch for a registration');
    assert.ok(st.deltaFetches > 0);
    assert.equal(st.hashMismatches, 0);
  });

  test('STARTING, DOWN and OUT_OF_SERVICE are not served; back to UP the instance is served again', async () => {
    const inst = { app: 'flip', id: 'flip-1', ip: '10.0.2.1' };
    await register({ ...inst, status: 'STARTING' });
    await register({ app: 'flip', id: 'flip-2', ip: '10.0.2.2' });
    const { sink } = await start();
    await synced(sink);
    const healthy = (): boolean | undefined =>
      sink.services.get('FLIP')?.instances.find((i) => i.id === 'flip-1')?.healthy;
    assert.equal(healthy(), false, 'STARTING');
    await register({ ...inst, status: 'UP' });
    await until(sink, 'UP after STARTING', () => healthy() === true);
    await register({ ...inst, status: 'DOWN' });
    await until(sink, 'DOWN', () => healthy() === false);
    await register({ ...inst, status: 'UP' });
    await until(sink, 'UP after DOWN', () => healthy() === true);
    await server.setStatus('FLIP', 'flip-1', 'OUT_OF_SERVICE');
    await until(sink, 'OUT_OF_SERVICE (override)', () => healthy() === false);
    await register({ ...inst, status: 'UP' }); // the instance still says UP: the override must win
    await sleep(600);
    assert.equal(healthy(), false, 'override kept when the instance re-registers as UP');
    await server.clearStatus('FLIP', 'flip-1');
    await until(sink, 'UP after the override is cleared', () => healthy() === true);
    assert.deepEqual(sink.removedIds(), []);
  });

  test('statuses lists what is served: with [UP, STARTING] a starting instance is served', async () => {
    await register({ app: 'warm', id: 'warm-1', ip: '10.0.3.1', status: 'STARTING' });
    const { sink } = await start({ statuses: ['UP', 'STARTING'] });
    await synced(sink);
    assert.deepEqual(summary(sink.services.get('WARM')), ['10.0.3.1:8080 - healthy']);
  });

  test('a metadata change reaches the labels; a value that cannot be a label goes to the annotation', async () => {
    await register({ app: 'meta', id: 'meta-1', ip: '10.0.4.1', metadata: { version: 'v1' } });
    const { sink } = await start();
    await synced(sink);
    await server.setMetadata('META', 'meta-1', {
      version: 'v2',
      'management.url': 'http://10.0.4.1:8081/actuator',
    });
    await until(sink, 'metadata', () => sink.services.get('META')?.instances[0]?.labels.version === 'v2');
    const meta = sink.services.get('META')!;
    assert.deepEqual(meta.instances[0]!.labels, { version: 'v2' });
    assert.deepEqual(JSON.parse(meta.annotations![METADATA_ANNOTATION]!), {
      'meta-1': { 'management.url': 'http://10.0.4.1:8081/actuator' },
    });
  });

  test('deregistering removes the instance; the last one leaves the service after the grace period', async () => {
    await register({ app: 'gone', id: 'gone-1', ip: '10.0.5.1' });
    await register({ app: 'gone', id: 'gone-2', ip: '10.0.5.2' });
    const { sink } = await start({ emptyGracePeriod: '1s', services: { include: ['gone'] } });
    await synced(sink);
    assert.deepEqual([...sink.services.keys()], ['GONE']);
    await server.deregister('GONE', 'gone-1');
    await until(
      sink,
      'gone-1 removed',
      () => summary(sink.services.get('GONE')).join() === '10.0.5.2:8080 - healthy',
    );
    await server.deregister('GONE', 'gone-2');
    await until(
      sink,
      'unhealthy during grace',
      () => summary(sink.services.get('GONE')).join() === '10.0.5.2:8080 - unhealthy',
    );
    const t0 = Date.now();
    await until(sink, 'service removed', () => !sink.services.has('GONE'));
    assert.ok(Date.now() - t0 >= 500, 'removed only after the grace period');
    assert.deepEqual(sink.removedIds(), ['GONE']);
  });

  test('an app with 300 instances arrives complete, and a change to one of them arrives by delta', async () => {
    const n = 300;
    const ip = (k: number): string => `10.1.${Math.floor(k / 250)}.${(k % 250) + 1}`;
    for (let k = 0; k < n; k += 20) {
      await Promise.all(
        Array.from({ length: Math.min(20, n - k) }, (_, j) =>
          register({ app: 'big', id: `big-${k + j}`, ip: ip(k + j) }),
        ),
      );
    }
    const { adapter, sink } = await start();
    await synced(sink);
    assert.equal(sink.services.get('BIG')?.instances.length, n);
    assert.equal(sink.healthyCount('BIG'), n);
    await server.setStatus('BIG', 'big-7', 'OUT_OF_SERVICE');
    await until(sink, 'one of 300 out of service', () => sink.healthyCount('BIG') === n - 1);
    assert.equal(adapter.stats()!.hashMismatches, 0);
  });

  test('secure port: both enabled ports are served (https for the secure one); securePort alone is served too', async () => {
    await register({ app: 'tls', id: 'tls-1', ip: '10.0.6.1', port: 8080, securePort: 8443 });
    await register({ app: 'tls', id: 'tls-2', ip: '10.0.6.2', port: null, securePort: 8443 });
    const { sink } = await start();
    await synced(sink);
    const tls = sink.services.get('TLS')!;
    assert.deepEqual(summary(tls), [
      '10.0.6.1:8080 - healthy',
      '10.0.6.1:8443 https healthy',
      '10.0.6.2:8443 https healthy',
    ]);
    const se = serviceEntry(tls);
    assert.deepEqual(
      se.spec.ports.map((p) => p.name),
      ['http-8080', 'https-8443'],
    );
    assert.deepEqual(
      se.spec.endpoints?.map((e) => [e.address, e.ports]),
      [
        ['10.0.6.1', { 'http-8080': 8080, 'https-8443': 8443 }],
        ['10.0.6.2', { 'http-8080': 8443, 'https-8443': 8443 }],
      ],
    );
  });

  test('unusual app names are served under DNS-1123 names and hosts, the server’s spelling kept', async () => {
    const names = ['pay_svc', 'Mixed.Case-App', 'app with space', 'colon:app', '123-numeric', 'x'.repeat(70)];
    for (const [k, app] of names.entries()) await register({ app, id: `odd-${k}`, ip: `10.0.7.${k + 1}` });
    const { sink } = await start();
    await synced(sink);
    const served = new Map<string, [string, string]>();
    for (const app of names) {
      const s = sink.services.get(app.toUpperCase());
      assert.ok(s, `${app} missing: ${sink.describe()}`);
      const se = serviceEntry(s);
      served.set(app, [se.name, se.spec.hosts[0]!]);
      assert.equal(se.annotations['registry-bridge.io/original-name'], app.toLowerCase());
      assert.equal(se.annotations[APP_ANNOTATION], app.toUpperCase());
    }
    assert.deepEqual(served.get('pay_svc'), ['pay-svc', 'pay-svc.eureka']);
    assert.deepEqual(served.get('Mixed.Case-App'), ['mixed-case-app', 'mixed-case-app.eureka']);
    assert.deepEqual(served.get('app with space'), ['app-with-space', 'app-with-space.eureka']);
    assert.deepEqual(served.get('colon:app'), ['colon-app', 'colon-app.eureka']);
    assert.deepEqual(served.get('123-numeric'), ['123-numeric', '123-numeric.eureka']);
    const [longName, longHost] = served.get('x'.repeat(70))!;
    assert.ok(longName.length <= 63, longName);
    assert.equal(longHost, `${longName}.eureka`);
  });

  test('a delta that does not match apps__hashcode (the change aged out of the delta queue) forces a full fetch that brings it in', async () => {
    // Refresh slower than the server keeps deltas: a change made right after
    // one delta is gone from the queue by the next, but counted in its hashcode.
    const { adapter, sink } = await start({ refreshInterval: '6s' });
    await synced(sink);
    let attempt = 0;
    while (adapter.stats()!.hashMismatches === 0 && attempt < 3) {
      const polls = (): number => adapter.stats()!.deltaFetches + adapter.stats()!.fullFetches;
      const seen = polls();
      await pollUntil('the next poll', () => polls() > seen, CONVERGE_MS);
      await register({ app: 'aged', id: `aged-${attempt}`, ip: `10.0.8.${attempt + 1}` });
      await until(
        sink,
        `aged-${attempt} served`,
        () => summary(sink.services.get('AGED')).length === attempt + 1,
      );
      attempt++;
    }
    assert.ok(
      adapter.stats()!.hashMismatches >= 1,
      `no mismatch in ${attempt} attempts:\n${sink.describe()}`,
    );
    assert.match(sink.describe(), /AGED/);
  });

  test('server frozen, then restarted empty: stale while away, nothing deleted, re-registered instances served again', async () => {
    const apps = [
      { app: 'keep', id: 'keep-1', ip: '10.0.9.1' },
      { app: 'keep', id: 'keep-2', ip: '10.0.9.2' },
    ];
    for (const d of apps) await register(d);
    const { sink, logs } = await start({ emptyGracePeriod: '60s' });
    await synced(sink);
    const before = JSON.stringify(sink.services.get('KEEP'));
    const mark = sink.calls.length;
    server.freeze();
    await until(sink, 'stale while frozen', () => sink.isStale);
    assert.equal(
      sink.lastError && 'code' in sink.lastError ? sink.lastError.code : '',
      'IRB_REGISTRY_UNREACHABLE',
    );
    await sleep(3000);
    assert.equal(JSON.stringify(sink.services.get('KEEP')), before, 'state kept while frozen');
    assert.equal(sink.isStale, true);
    await server.restart(); // kills the frozen server; it comes back empty (Eureka keeps its registry in memory)
    await until(sink, 'fresh again', () => !sink.isStale);
    // The empty registry was read: the instances are kept, unhealthy, for the grace period.
    await until(sink, 'empty registry read', () => sink.healthyCount('KEEP') === 0);
    for (const d of apps) {
      if (!(await server.heartbeat(d.app.toUpperCase(), d.id))) await register(d); // what a Eureka client does on 404
    }
    await until(sink, 'served again', () => sink.healthyCount('KEEP') === 2);
    const removals = sink.calls.slice(mark).filter((c) => c.op === 'remove' || c.op === 'replaceAll');
    assert.deepEqual(removals, [], 'nothing removed at any point');
    assert.equal(sink.count('synced'), 1);
    assert.match(logs(), /keeping the last known state/);
  });
});

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { BridgeError } from '../../../src/errors.js';
import { DATACENTER_ANNOTATION, TAGS_ANNOTATION } from '../../../src/adapters/consul/to-service.js';
import { ConsulAgent, describeWithConsul, ttlCheck } from '../../support/consul.js';
import { LONG_WAITS, sleep, startAdapter, STOP_LIMIT_MS, until, type RunningAdapter } from './harness.js';

describeWithConsul('consul adapter against a real Consul agent', (bin) => {
  let consul: ConsulAgent;
  const running: RunningAdapter[] = [];
  const start = async (settings: Record<string, unknown>): Promise<RunningAdapter> => {
    const r = await startAdapter(consul.address, settings);
    running.push(r);
    return r;
  };

  before(async () => {
    consul = await ConsulAgent.start(bin);
  });
  after(async () => {
    for (const r of running) await r.stop();
    await consul?.stop();
  });

  test('a registered service is synced; a second instance is added; deregistered instances empty the service, which is removed after emptyGracePeriod', async () => {
    await consul.registerService({
      ID: 'reg-web-1',
      Name: 'reg-web',
      Address: '10.0.0.1',
      Port: 8081,
      Checks: [ttlCheck('reg-web-1-ttl')],
    });
    const { sink } = await start({ services: { include: ['reg-*'] }, emptyGracePeriod: '1500ms' });
    await sink.waitFor('synced', () => sink.isSynced);
    const svc = sink.services.get('dc1/reg-web');
    assert.ok(svc, 'service present at first sync');
    assert.equal(svc.host, 'reg-web.service.consul');
    assert.equal(svc.name, 'reg-web');
    assert.equal(svc.annotations?.[DATACENTER_ANNOTATION], 'dc1');
    assert.deepEqual(
      svc.instances.map((i) => [i.id, i.address, i.port, i.healthy, i.locality]),
      [[`${consul.nodeName}/reg-web-1`, '10.0.0.1', 8081, true, 'dc1']],
    );

    await consul.registerService({ ID: 'reg-web-2', Name: 'reg-web', Address: '10.0.0.2', Port: 8081 });
    await sink.waitFor('two instances', () => sink.services.get('dc1/reg-web')?.instances.length === 2);

    await consul.deregisterService('reg-web-1');
    await consul.deregisterService('reg-web-2');
    await sink.waitFor(
      'service sent with no healthy instance, its ports kept',
      () => sink.services.has('dc1/reg-web') && sink.healthyCount('dc1/reg-web') === 0,
    );
    assert.ok(
      sink.services.get('dc1/reg-web')!.instances.length > 0,
      'last instances kept (unhealthy) for their ports',
    );
    const emptiedAt = Date.now();
    assert.equal(sink.count('remove'), 0, 'not removed at once');
    await sink.waitFor('removed after grace', () => sink.removedIds().includes('dc1/reg-web'), 10_000);
    assert.ok(Date.now() - emptiedAt >= 1_300, 'removal waited for the grace period');
  });

  test('instances on several ports and addresses, and on external nodes registered via /v1/catalog/register', async () => {
    await consul.registerService({ ID: 'multi-a', Name: 'multi', Address: '10.0.1.1', Port: 8081 });
    await consul.registerService({ ID: 'multi-b', Name: 'multi', Address: '10.0.1.2', Port: 9090 });
    await consul.catalogRegister({
      Node: 'ext-1',
      Address: '192.0.2.10',
      NodeMeta: { region: 'eu-west', zone: 'eu-west-1a' },
      Service: { ID: 'multi-ext', Service: 'multi', Port: 7070, Tags: ['external'] },
      Checks: [
        { Node: 'ext-1', CheckID: 'multi-ext-chk', Name: 'ext', Status: 'passing', ServiceID: 'multi-ext' },
      ],
    });
    const { sink } = await start({ services: { include: ['multi'] } });
    await sink.waitFor('synced', () => sink.isSynced);
    const svc = sink.services.get('dc1/multi')!;
    assert.deepEqual(
      svc.instances.map((i) => [i.id, i.address, i.port, i.locality]),
      [
        [`${consul.nodeName}/multi-a`, '10.0.1.1', 8081, 'dc1'],
        [`${consul.nodeName}/multi-b`, '10.0.1.2', 9090, 'dc1'],
        ['ext-1/multi-ext', '192.0.2.10', 7070, 'eu-west/eu-west-1a'],
      ],
    );
    assert.equal(svc.annotations?.[TAGS_ANNOTATION], '["external"]');

    await consul.catalogDeregister('ext-1');
    await sink.waitFor('external node gone', () => sink.services.get('dc1/multi')?.instances.length === 2);
  });

  test('health flips passing -> warning -> critical -> passing under each health policy', async () => {
    await consul.registerService({
      ID: 'flip-1',
      Name: 'flip',
      Address: '10.0.2.1',
      Port: 80,
      Checks: [ttlCheck('flip-1-ttl')],
    });
    const base = { services: { include: ['flip'] }, emptyGracePeriod: '60s' };
    const passing = await start({ ...base, health: 'passing' });
    const warnOk = await start({ ...base, health: 'passing+warning' });
    const any = await start({ ...base, health: 'any' });
    const sinks = [passing.sink, warnOk.sink, any.sink];
    for (const s of sinks) await s.waitFor('synced', () => s.isSynced);
    const healthy = (s: typeof passing.sink): boolean | undefined =>
      s.services.get('dc1/flip')?.instances[0]?.healthy;

    const steps: ['passing' | 'warning' | 'critical', [boolean, boolean, boolean]][] = [
      ['warning', [false, true, true]],
      ['critical', [false, false, true]],
      ['passing', [true, true, true]],
    ];
    for (const [status, expected] of steps) {
      await consul.setCheck('flip-1-ttl', status);
      await passing.sink.waitFor(
        `passing policy sees ${status}`,
        () => healthy(passing.sink) === expected[0],
      );
      await warnOk.sink.waitFor(
        `passing+warning policy sees ${status}`,
        () => healthy(warnOk.sink) === expected[1],
      );
      assert.equal(healthy(any.sink), expected[2], `any policy after ${status}`);
    }
    assert.equal(any.sink.changedUpserts, 1, 'policy "any": nothing it serves changed');
    for (const s of sinks) assert.equal(s.count('remove'), 0);
  });

  test('tag and meta changes update labels, annotations and protocol; the tags filter selects instances', async () => {
    await consul.registerService({
      ID: 'tagged-1',
      Name: 'tagged',
      Address: '10.0.3.1',
      Port: 80,
      Tags: ['prod', 'version=v1'],
      Meta: { owner: 'team-a' },
    });
    await consul.registerService({
      ID: 'tagged-2',
      Name: 'tagged',
      Address: '10.0.3.2',
      Port: 80,
      Tags: ['dev'],
    });
    const all = await start({ services: { include: ['tagged'] } });
    const prodOnly = await start({ services: { include: ['tagged'] }, tags: ['prod'] });
    await all.sink.waitFor('synced', () => all.sink.isSynced);
    await prodOnly.sink.waitFor('synced', () => prodOnly.sink.isSynced);
    assert.equal(all.sink.services.get('dc1/tagged')!.instances.length, 2);
    assert.deepEqual(
      prodOnly.sink.services.get('dc1/tagged')!.instances.map((i) => i.id),
      [`${consul.nodeName}/tagged-1`],
    );
    const first = all.sink.services.get('dc1/tagged')!.instances[0]!;
    assert.deepEqual(first.labels, { owner: 'team-a', version: 'v1' });
    assert.equal(first.protocol, undefined);

    await consul.registerService({
      ID: 'tagged-1',
      Name: 'tagged',
      Address: '10.0.3.1',
      Port: 80,
      Tags: ['prod', 'version=v2', 'canary', 'protocol=grpc'],
      Meta: { owner: 'team-b', protocol: 'http2' },
    });
    await all.sink.waitFor(
      'labels updated',
      () => all.sink.services.get('dc1/tagged')?.instances[0]?.labels.version === 'v2',
    );
    const updated = all.sink.services.get('dc1/tagged')!;
    assert.deepEqual(updated.instances[0]!.labels, { owner: 'team-b', protocol: 'http2', version: 'v2' });
    assert.equal(updated.instances[0]!.protocol, 'http2', 'ServiceMeta protocol wins over the tag');
    assert.equal(updated.annotations?.[TAGS_ANNOTATION], '["canary","dev","prod"]');

    // The only "prod" instance drops the tag: the filtered adapter empties the service.
    await consul.registerService({
      ID: 'tagged-1',
      Name: 'tagged',
      Address: '10.0.3.1',
      Port: 80,
      Tags: ['staging'],
    });
    await prodOnly.sink.waitFor(
      'prod-only view empties',
      () => prodOnly.sink.services.has('dc1/tagged') && prodOnly.sink.healthyCount('dc1/tagged') === 0,
    );
    await prodOnly.sink.waitFor('and removes after grace', () =>
      prodOnly.sink.removedIds().includes('dc1/tagged'),
    );
  });

  test('names that are not DNS-1123 keep their name; the host is made DNS-safe; proxies and bad instances are skipped', async () => {
    const long = `Long_${'x'.repeat(65)}`;
    await consul.registerService({ ID: 'ugly-1', Name: 'Ugly_Name.v2', Address: '10.0.4.1', Port: 80 });
    await consul.registerService({ ID: 'ugly-2', Name: long, Address: '10.0.4.2', Port: 80 });
    await consul.registerService({
      ID: 'ugly-proxy',
      Name: 'Ugly_Name.v2-sidecar-proxy',
      Kind: 'connect-proxy',
      Address: '10.0.4.3',
      Port: 21000,
      Proxy: { DestinationServiceName: 'Ugly_Name.v2' },
    });
    await consul.catalogRegister({
      Node: 'ext-bad',
      Address: '192.0.2.20',
      Service: { ID: 'ugly-noport', Service: 'Ugly_Name.v2', Port: 0 },
    });
    const { sink } = await start({ services: { include: ['Ugly*', 'Long_*'] } });
    await sink.waitFor('synced', () => sink.isSynced);
    const ugly = sink.services.get('dc1/Ugly_Name.v2')!;
    assert.equal(ugly.name, 'Ugly_Name.v2');
    assert.equal(ugly.host, 'ugly-name-v2.service.consul');
    assert.deepEqual(
      ugly.instances.map((i) => i.id),
      [`${consul.nodeName}/ugly-1`],
    );
    const longSvc = sink.services.get(`dc1/${long}`)!;
    const label = longSvc.host!.split('.')[0]!;
    assert.ok(label.length <= 63 && /^[a-z0-9-]+$/.test(label), label);
    assert.equal(sink.services.has('dc1/Ugly_Name.v2-sidecar-proxy'), false, 'proxy-only service not sent');
    const bad = sink.calls.flatMap((c) => (c.op === 'badInput' ? [c] : []));
    assert.equal(bad.length, 1);
    assert.match(bad[0]!.detail, /ext-bad\/ugly-noport: port 0/);
    assert.equal(bad[0]!.what, 'consul service "Ugly_Name.v2" in datacenter dc1');
  });

  test('datacenters: [dc1] works (with stale reads); an unknown datacenter makes the registry stale with a clear error, never synced', async () => {
    await consul.registerService({ ID: 'dcs-1', Name: 'dcs', Address: '10.0.5.1', Port: 80 });
    const ok = await start({ services: { include: ['dcs'] }, datacenters: ['dc1'], stale: true });
    await ok.sink.waitFor('synced', () => ok.sink.isSynced);
    assert.equal(ok.sink.services.get('dc1/dcs')?.host, 'dcs.service.consul');

    const bad = await start({
      services: { include: ['dcs'] },
      datacenters: ['dc1', 'nowhere'],
      hostTemplate: '{service}.service.{dc}.consul',
      ...LONG_WAITS,
    });
    await bad.sink.waitFor('stale', () => bad.sink.isStale);
    const err = bad.sink.lastError;
    assert.ok(err instanceof BridgeError);
    assert.equal(err.code, 'IRB_CONSUL_UNKNOWN_DATACENTER');
    assert.match(err.message, /"nowhere".*datacenters.*Consul knows: dc1/);
    await bad.sink.waitFor('dc1 part delivered', () => bad.sink.services.has('dc1/dcs'));
    await sleep(1_500);
    assert.equal(bad.sink.isSynced, false, 'a partial first sync is never announced');
    const stopMs = await bad.stop();
    assert.ok(stopMs < STOP_LIMIT_MS, `stop took ${stopMs} ms (back-off and blocking queries are 30 s)`);
  });

  test('consulNamespace is sent only when set; Consul 1.8 OSS rejects it with a clear error', async () => {
    const { sink } = await start({ consulNamespace: 'team-a' });
    await sink.waitFor('stale', () => sink.isStale);
    const err = sink.lastError as BridgeError;
    assert.equal(err.code, 'IRB_CONSUL_BAD_REQUEST');
    assert.match(err.message, /Consul Enterprise/);
  });

  test('stop() aborts in-flight blocking queries instead of waiting for them', async () => {
    const r = await start({ ...LONG_WAITS, services: { include: ['*'] } });
    await r.sink.waitFor('synced', () => r.sink.isSynced);
    await until('a 30 s blocking query in flight', () => r.adapter.stats()!.queriesInFlight > 0);
    const ms = await r.stop();
    assert.ok(ms < STOP_LIMIT_MS, `stop took ${ms} ms (the blocking queries wait 30 s)`);
    const calls = r.sink.calls.length;
    await sleep(300);
    assert.equal(r.sink.calls.length, calls, 'no sink call after stop');
  });
});

/**
 * The ZooKeeper adapter against a real ZooKeeper 3.8 server, with znodes
 * written exactly as Dubbo 3.3 writes them (test/support/dubbo-zk.ts).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import {
  DubboZk,
  goInstanceJson,
  instanceId,
  javaInstanceJson,
  providerUrl,
} from '../../support/dubbo-zk.js';
import { ZooKeeperServer, describeWithZooKeeper } from '../../support/zookeeper.js';
import { endpoints, sleep, startAdapter, type RunningAdapter } from './harness.js';

const IFACE = 'org.apache.dubbo.demo.DemoService';
const ID = `interface/${IFACE}`;

describeWithZooKeeper('zookeeper adapter against a real ZooKeeper', (install) => {
  let zk: ZooKeeperServer;
  let writer: DubboZk;
  const running: RunningAdapter[] = [];
  const start = async (settings: Record<string, unknown> = {}): Promise<RunningAdapter> => {
    const a = await startAdapter(zk.address, settings);
    running.push(a);
    return a;
  };

  before(async () => {
    zk = await ZooKeeperServer.start(install);
    writer = await DubboZk.connect(zk.address);
  });
  afterEach(async () => {
    for (const a of running.splice(0)) await a.stop();
    await writer.remove('/dubbo');
    await writer.remove('/services');
  });
  after(async () => {
    await writer?.close();
    await zk?.stop();
  });

  test('providers written as Dubbo does are served; synced() comes after the whole tree was read', async () => {
    const many = Array.from({ length: 30 }, (_, i) => `org.example.Svc${i}`);
    for (const iface of many) {
      await writer.registerProvider(iface, providerUrl({ host: '10.1.0.1', port: 20880, iface }));
    }
    await writer.registerProvider(IFACE, providerUrl({ host: '10.1.0.2', port: 20880, iface: IFACE }));
    const { sink } = await start({ maxConcurrentReads: 4 });
    await sink.waitFor('synced', () => sink.isSynced);
    const atSync = sink.calls.filter((c) => c.op === 'upsert').length;
    assert.equal(atSync, 31, 'every interface was sent before synced()');
    assert.deepEqual(endpoints(sink, ID), ['10.1.0.2:20880']);
    const svc = sink.services.get(ID)!;
    assert.equal(svc.host, 'org.apache.dubbo.demo.demoservice');
    assert.equal(svc.annotations?.['registry-bridge.io/dubbo-interface'], IFACE);
    assert.equal(sink.count('synced'), 1);
  });

  test('add, modify and remove of providers reach the sink; a provider on another port adds a port', async () => {
    const a = providerUrl({ host: '10.1.0.1', port: 20880, iface: IFACE, params: { version: '1.0.0' } });
    await writer.registerProvider(IFACE, a);
    const { sink } = await start();
    await sink.waitFor('first provider', () => endpoints(sink, ID).length === 1);
    const b = providerUrl({ host: '10.1.0.2', port: 20881, iface: IFACE, params: { version: '2.0.0' } });
    await writer.registerProvider(IFACE, b);
    await sink.waitFor('second provider', () => endpoints(sink, ID).length === 2);
    assert.deepEqual(endpoints(sink, ID), ['10.1.0.1:20880', '10.1.0.2:20881']);
    assert.deepEqual(
      sink.services
        .get(ID)!
        .instances.map((i) => i.labels.version)
        .sort(),
      ['1.0.0', '2.0.0'],
    );
    // modify = Dubbo unregisters the old URL and registers the new one
    const b2 = providerUrl({ host: '10.1.0.2', port: 20881, iface: IFACE, params: { version: '2.1.0' } });
    await writer.registerProvider(IFACE, b2);
    await writer.unregisterProvider(IFACE, b);
    await sink.waitFor('modified provider', () =>
      sink.services.get(ID)!.instances.some((i) => i.labels.version === '2.1.0' && i.healthy),
    );
    await writer.unregisterProvider(IFACE, a);
    await writer.unregisterProvider(IFACE, b2);
    await sink.waitFor('no healthy provider', () => endpoints(sink, ID).length === 0);
    await sink.waitFor('removed after the grace period', () => !sink.services.has(ID), 5_000);
  });

  test('providers with enabled=false or disabled=true are not served; the others are', async () => {
    await writer.registerProvider(IFACE, providerUrl({ host: '10.1.0.1', port: 20880, iface: IFACE }));
    await writer.registerProvider(
      IFACE,
      providerUrl({ host: '10.1.0.2', port: 20880, iface: IFACE, params: { enabled: 'false' } }),
    );
    await writer.registerProvider(
      IFACE,
      providerUrl({ host: '10.1.0.3', port: 20880, iface: IFACE, params: { disabled: 'true' } }),
    );
    const { sink } = await start();
    await sink.waitFor('synced', () => sink.isSynced);
    assert.deepEqual(endpoints(sink, ID), ['10.1.0.1:20880']);
    assert.equal(sink.services.get(ID)!.instances.length, 3, 'disabled providers keep their ports');
  });

  test('several groups and versions of one interface: labels by default, split hosts with hostTemplate', async () => {
    for (const [i, g, v] of [
      [1, 'g1', '1.0.0'],
      [2, 'g1', '2.0.0'],
      [3, 'g2', '1.0.0'],
    ] as const) {
      await writer.registerProvider(
        IFACE,
        providerUrl({ host: `10.1.0.${i}`, port: 20880, iface: IFACE, params: { group: g, version: v } }),
      );
    }
    const one = await start();
    await one.sink.waitFor('synced', () => one.sink.isSynced);
    assert.deepEqual(
      one.sink.services
        .get(ID)!
        .instances.map((i) => `${i.labels.group}/${i.labels.version}`)
        .sort(),
      ['g1/1.0.0', 'g1/2.0.0', 'g2/1.0.0'],
    );
    const split = await start({ hostTemplate: '{version}.{group}.{interface}.dubbo' });
    await split.sink.waitFor('synced', () => split.sink.isSynced);
    const hosts = [...split.sink.services.values()].map((s) => s.host).sort();
    assert.deepEqual(hosts, [
      '1-0-0.g1.org-apache-dubbo-demo-demoservice.dubbo',
      '1-0-0.g2.org-apache-dubbo-demo-demoservice.dubbo',
      '2-0-0.g1.org-apache-dubbo-demo-demoservice.dubbo',
    ]);
    for (const h of hosts) assert.ok(!h.includes(':'), `host ${h} has no colon`);
  });

  test('IPv6 providers and encoded characters in parameters are decoded', async () => {
    await writer.registerProvider(
      IFACE,
      providerUrl({
        host: 'fd00::1:2',
        port: 20880,
        iface: IFACE,
        params: { application: 'demo app', owner: "o'brien(~)!", zone: 'zürich-1' },
      }),
    );
    const { sink } = await start();
    await sink.waitFor('synced', () => sink.isSynced);
    assert.deepEqual(endpoints(sink, ID), ['[fd00::1:2]:20880']);
    const urls = sink.services.get(ID)!.annotations!['registry-bridge.io/dubbo-urls']!;
    assert.match(urls, /application=demo app&/);
    assert.match(urls, /owner=o'brien\(~\)!/);
    assert.match(urls, /zone=zürich-1/);
  });

  test('a malformed provider is skipped and reported; the rest is still served', async () => {
    await writer.registerProvider(IFACE, providerUrl({ host: '10.1.0.1', port: 20880, iface: IFACE }));
    await writer.registerRawProvider(IFACE, 'dubbo%3A%2F%2F10.1.0.9%3Anot-a-port%2Fx');
    await writer.registerRawProvider(IFACE, 'broken%ZZescape');
    const { sink } = await start();
    await sink.waitFor('synced', () => sink.isSynced);
    assert.deepEqual(endpoints(sink, ID), ['10.1.0.1:20880']);
    const bad = sink.calls.filter((c) => c.op === 'badInput');
    assert.equal(bad.length, 2, JSON.stringify(bad));
    // a later change re-reads the folder without reporting the same problems again
    await writer.registerProvider(IFACE, providerUrl({ host: '10.1.0.2', port: 20880, iface: IFACE }));
    await sink.waitFor('second provider', () => endpoints(sink, ID).length === 2);
    assert.equal(sink.count('badInput'), 2);
  });

  test('application-level instances in the Java and the dubbo-go JSON forms, every endpoint a port', async () => {
    const java = {
      app: 'demo-provider',
      address: '10.2.0.1',
      endpoints: [
        { port: 20880, protocol: 'dubbo' },
        { port: 50051, protocol: 'tri' },
      ],
    };
    const go = { app: 'go-provider', address: '10.2.0.2', endpoints: [{ port: 20000, protocol: 'tri' }] };
    await writer.registerInstance(java.app, instanceId(java), javaInstanceJson(java));
    await writer.registerInstance(go.app, instanceId(go), goInstanceJson(go));
    await writer.setMapping(IFACE, ['demo-provider']);
    const { sink } = await start({ mode: 'application' });
    await sink.waitFor('synced', () => sink.isSynced);
    const demo = sink.services.get('application/demo-provider')!;
    assert.equal(demo.host, 'demo-provider.dubbo');
    assert.deepEqual(
      demo.instances.map((i) => `${i.address}:${i.port}/${i.protocol}`),
      ['10.2.0.1:20880/tcp', '10.2.0.1:50051/grpc'],
    );
    assert.equal(demo.annotations?.['registry-bridge.io/dubbo-interfaces'], IFACE);
    assert.deepEqual(endpoints(sink, 'application/go-provider'), ['10.2.0.2:20000']);
    assert.equal(sink.services.has(ID), false, 'mode application reads no interface level');
  });

  test('an application folder that vanishes and comes back is watched again', async () => {
    const inst = { app: 'phoenix', address: '10.3.0.1', endpoints: [{ port: 20880, protocol: 'dubbo' }] };
    await writer.registerInstance(inst.app, instanceId(inst), javaInstanceJson(inst));
    const { sink } = await start({ mode: 'application' });
    await sink.waitFor('instance', () => endpoints(sink, 'application/phoenix').length === 1);
    await writer.remove('/services/phoenix');
    await sink.waitFor('instance gone', () => endpoints(sink, 'application/phoenix').length === 0);
    await writer.registerInstance(inst.app, instanceId(inst), javaInstanceJson(inst));
    await sink.waitFor('instance back', () => endpoints(sink, 'application/phoenix').length === 1);
  });

  test('a provider whose session is killed disappears once its ephemeral node expires', async () => {
    const url = providerUrl({ host: '10.4.0.1', port: 20880, iface: IFACE });
    await writer.registerProvider(IFACE, providerUrl({ host: '10.4.0.2', port: 20880, iface: IFACE }));
    const owner = spawn(
      process.execPath,
      [join(import.meta.dirname, 'ephemeral-owner.js'), zk.address, '1000', IFACE, url],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        owner.stdout.on('data', (d: Buffer) => (d.toString().includes('ready') ? resolve() : undefined));
        owner.once('exit', (code) => reject(new Error(`ephemeral owner exited with ${code}`)));
      });
      const { sink } = await start();
      await sink.waitFor('both providers', () => endpoints(sink, ID).length === 2);
      const killedAt = Date.now();
      owner.kill('SIGKILL');
      await sink.waitFor(
        'killed provider gone',
        () => endpoints(sink, ID).join() === '10.4.0.2:20880',
        10_000,
      );
      const took = Date.now() - killedAt;
      assert.ok(took < 1000 + 2000 + 1000, `seen after ${took} ms (session 1 s)`);
    } finally {
      owner.kill('SIGKILL');
    }
  });

  test('ZooKeeper frozen past the session timeout, then restarted: stale meanwhile, nothing deleted, converges after', async () => {
    const keep = providerUrl({ host: '10.5.0.1', port: 20880, iface: IFACE });
    await writer.registerProvider(IFACE, keep, { ephemeral: false });
    const inst = { app: 'steady', address: '10.5.0.2', endpoints: [{ port: 20880, protocol: 'dubbo' }] };
    await writer.mkdirp('/services/steady');
    await writer.create(`/services/steady/${instanceId(inst)}`, Buffer.from(javaInstanceJson(inst)), 0);
    const { sink } = await start({ sessionTimeout: '2s', emptyGracePeriod: '500ms' });
    await sink.waitFor('synced', () => sink.isSynced);
    const mark = sink.calls.length;
    zk.freeze();
    try {
      await sink.waitFor('stale', () => sink.isStale, 5_000);
      await sleep(3_000); // past the session timeout and the grace period
      assert.deepEqual(sink.removedIds(), [], 'nothing removed while ZooKeeper is away');
      assert.deepEqual(endpoints(sink, ID), ['10.5.0.1:20880']);
      assert.deepEqual(endpoints(sink, 'application/steady'), ['10.5.0.2:20880']);
      await zk.restart();
    } finally {
      zk.thaw();
    }
    await sink.waitFor('fresh again', () => !sink.isStale, 15_000);
    const writer2 = await DubboZk.connect(zk.address);
    try {
      await writer2.registerProvider(IFACE, providerUrl({ host: '10.5.0.3', port: 20880, iface: IFACE }));
      await sink.waitFor('change after the restart', () => endpoints(sink, ID).length === 2, 10_000);
    } finally {
      await writer2.close();
    }
    assert.deepEqual(sink.removedIds(), []);
    assert.ok(sink.calls.slice(mark).some((c) => c.op === 'stale' && c.stale && c.error));
    assert.equal(sink.count('synced'), 1);
    // the test's own writer lost its session with the restart; reconnect for the cleanup
    await writer.close();
    writer = await DubboZk.connect(zk.address);
  });

  test('stop closes the session: the server sees no connection from the adapter after it', async () => {
    const { sink, stop } = await start();
    await sink.waitFor('synced', () => sink.isSynced);
    const before = Number(/Connections: (\d+)/.exec(await zk.srvr())?.[1]);
    await stop();
    await sleep(300);
    const afterStop = Number(/Connections: (\d+)/.exec(await zk.srvr())?.[1]);
    assert.equal(afterStop, before - 1);
  });
});

/**
 * A REAL Apache Dubbo 3.3.6 provider (test/fixtures/dubbo-provider, built by
 * its build.sh and cached) registering in a real ZooKeeper in `all` mode with
 * the dubbo and tri protocols: `registry-bridge dump` shows it at interface
 * level (both ports) and at application level; killed with SIGKILL it is gone
 * within its session timeout plus 2 s.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { stringify } from 'yaml';
import { runCli } from '../../support/cli.js';
import { DubboZk } from '../../support/dubbo-zk.js';
import { underCi } from '../../support/skip.js';
import { freePort } from '../../support/ports.js';
import { ZooKeeperServer, describeWithZooKeeper } from '../../support/zookeeper.js';
import { endpoints, startAdapter } from './harness.js';

const IFACE = 'io.registrybridge.fixture.GreetingService';
const APP = 'irb-fixture-provider';
const SESSION_MS = 2000;
const BUILD = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  '..',
  'test',
  'fixtures',
  'dubbo-provider',
  'build.sh',
);

interface Manifest {
  kind: string;
  metadata: { name: string; annotations: Record<string, string> };
  spec: {
    hosts: string[];
    ports: { number: number; protocol: string; name: string }[];
    endpoints: { address: string; ports: Record<string, number>; labels?: Record<string, string> }[];
  };
}

/** Builds (or finds in the cache) the fixture; undefined with the reason when Maven or Java is missing. */
function buildFixture(): { dir: string } | { missing: string } {
  const r = spawnSync('bash', [BUILD], { encoding: 'utf8', timeout: 600_000 });
  if (r.status === 3) return { missing: r.stderr.trim() };
  assert.equal(r.status, 0, `build.sh failed:\n${r.stderr}`);
  return { dir: r.stdout.trim().split('\n').pop()! };
}

describeWithZooKeeper('a real Java Dubbo 3.3 provider in ZooKeeper', (install) => {
  let zk: ZooKeeperServer;
  let fixture: string | undefined;
  let provider: ChildProcess | undefined;
  let dubboPort: number;
  let triPort: number;
  let configDir: string;

  before(async () => {
    const built = buildFixture();
    if ('missing' in built) {
      if (underCi()) assert.fail(built.missing);
      return;
    }
    fixture = built.dir;
    zk = await ZooKeeperServer.start(install);
    dubboPort = await freePort();
    triPort = await freePort();
    const child = spawn(
      install.java,
      [
        '-Xmx256m',
        '-XX:+UseSerialGC',
        '-XX:TieredStopAtLevel=1',
        '-jar',
        join(fixture, 'dubbo-provider.jar'),
        '--zk',
        zk.address,
        '--mode',
        'all',
        '--protocols',
        `dubbo:${dubboPort},tri:${triPort}`,
        '--group',
        'g1',
        '--version',
        '1.0.0',
        '--session',
        String(SESSION_MS),
        '--app',
        APP,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    provider = child;
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`provider not ready in 120 s:\n${out}`)), 120_000);
      const onData = (d: Buffer): void => {
        out += d.toString();
        if (out.includes('IRB-DUBBO-PROVIDER READY')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`provider exited with ${code}:\n${out}`));
      });
    });
    configDir = mkdtempSync(join(tmpdir(), 'irb-dubbo-'));
  });

  after(async () => {
    if (provider?.exitCode === null && provider.signalCode === null) provider.kill('SIGKILL');
    await zk?.stop();
    if (configDir) rmSync(configDir, { recursive: true, force: true });
  });

  test('dump shows the provider at interface level (dubbo and tri ports) and at application level', async (t) => {
    if (fixture === undefined) return t.skip('java or mvn missing (see build.sh)');
    // Dubbo registers the machine's first non-loopback address, not 127.0.0.1: read it from ZooKeeper.
    const reader = await DubboZk.connect(zk.address);
    const instances = await reader.children(`/services/${APP}`);
    await reader.close();
    assert.equal(instances.length, 1, `one instance under /services/${APP}`);
    const ip = instances[0]!.slice(0, instances[0]!.lastIndexOf(':'));

    const config = join(configDir, 'config.yaml');
    writeFileSync(
      config,
      stringify({
        xds: { address: `127.0.0.1:${await freePort()}` },
        admin: { address: `127.0.0.1:${await freePort()}` },
        registries: [{ name: 'dubbo', type: 'zookeeper', address: zk.address, sessionTimeout: '4s' }],
      }),
    );
    const r = await runCli(['dump', '--config', config, '-o', 'json'], 60_000);
    assert.equal(r.code, 0, r.stderr);
    const all = JSON.parse(r.stdout) as Manifest[];
    const byHost = (h: string): Manifest | undefined =>
      all.find((m) => m.kind === 'ServiceEntry' && m.spec.hosts.includes(h));

    const iface = byHost('io.registrybridge.fixture.greetingservice');
    assert.ok(
      iface,
      `interface-level ServiceEntry missing; got ${all.map((m) => m.spec.hosts.join()).join(', ')}`,
    );
    assert.equal(iface.metadata.annotations['registry-bridge.io/dubbo-interface'], IFACE);
    assert.deepEqual(
      iface.spec.ports.map((p) => `${p.name}/${p.protocol}`).sort(),
      [`grpc-${triPort}/GRPC`, `tcp-${dubboPort}/TCP`].sort(),
    );
    assert.equal(iface.spec.endpoints.length, 1);
    const ep = iface.spec.endpoints[0]!;
    assert.equal(ep.address, ip);
    assert.deepEqual(ep.ports, { [`grpc-${triPort}`]: triPort, [`tcp-${dubboPort}`]: dubboPort });
    assert.equal(ep.labels?.group, 'g1');
    assert.equal(ep.labels?.version, '1.0.0');
    assert.equal(ep.labels?.application, APP);

    const app = byHost(`${APP}.dubbo`);
    assert.ok(app, 'application-level ServiceEntry missing');
    assert.deepEqual(
      app.spec.ports.map((p) => p.number).sort((a, b) => a - b),
      [dubboPort, triPort].sort((a, b) => a - b),
    );
    assert.deepEqual(
      app.spec.endpoints.map((e) => e.address),
      [ip],
    );
    assert.equal(app.metadata.annotations['registry-bridge.io/dubbo-interfaces'], IFACE);
  });

  test('killed with SIGKILL, the provider is gone from both levels within its session timeout plus 2 s', async (t) => {
    if (fixture === undefined) return t.skip('java or mvn missing (see build.sh)');
    const a = await startAdapter(zk.address, { sessionTimeout: '4s' });
    try {
      const ifaceId = `interface/${IFACE}`;
      const appId = `application/${APP}`;
      await a.sink.waitFor(
        'provider at both levels',
        () => endpoints(a.sink, ifaceId).length === 2 && endpoints(a.sink, appId).length === 2,
      );
      const killedAt = Date.now();
      provider!.kill('SIGKILL');
      await a.sink.waitFor(
        'provider gone',
        () => endpoints(a.sink, ifaceId).length === 0 && endpoints(a.sink, appId).length === 0,
        SESSION_MS + 10_000,
      );
      const took = Date.now() - killedAt;
      assert.ok(
        took <= SESSION_MS + 2000,
        `gone after ${took} ms; the provider's session is ${SESSION_MS} ms`,
      );
    } finally {
      await a.stop();
    }
  });
});

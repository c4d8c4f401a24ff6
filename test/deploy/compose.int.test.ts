/**
 * docker-compose.yml, checked without a container engine: the Compose
 * specification's own loader (compose-go, built by compose-loader/build.sh)
 * accepts it, every file it mounts or builds from exists, every published
 * port is on the host's loopback, the bridge's compose config names each
 * registry by its compose service and port (and the bridge's own config
 * loader accepts it), and istiod (1.28/1.29 line) reads the bridge by its
 * service name and xDS port. Broken files show that each check can fail.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parse } from 'yaml';
import { adapterCatalog } from '../../src/adapters/catalog/catalog.js';
import { loadConfigFile } from '../../src/config/load.js';
import { unavailableSuite } from '../support/skip.js';
import {
  addressEndpoints,
  buildProblems,
  endpointProblems,
  flagValue,
  mountedAt,
  mountProblems,
  publishedPortProblems,
  type ComposeProject,
  type ComposeService,
} from './compose-checks.js';

const REPO = join(import.meta.dirname, '..', '..', '..');
const COMPOSE_FILE = join(REPO, 'docker-compose.yml');
const BUILD_SH = join(REPO, 'test', 'deploy', 'compose-loader', 'build.sh');
const SUITE = 'docker-compose.yml (Compose specification loader)';

function buildLoader(): { bin: string } | { missing: string } {
  const r = spawnSync('bash', [BUILD_SH], { encoding: 'utf8', timeout: 600_000 });
  if (r.status === 3) return { missing: r.stderr.trim() };
  if (r.status !== 0)
    return { missing: `compose-loader/build.sh failed (${r.status ?? r.signal}):\n${r.stderr}` };
  return { bin: r.stdout.trim().split('\n').at(-1)! };
}

type Loaded = { project: ComposeProject; error?: undefined } | { project?: undefined; error: string };

function load(bin: string, file: string): Loaded {
  const r = spawnSync(bin, [file], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) return { error: `${r.stderr}`.trim() || `exit ${r.status ?? r.signal}` };
  return { project: JSON.parse(r.stdout) as ComposeProject };
}

/** The service built from the repository's own Dockerfile: the bridge. */
function bridgeService(project: ComposeProject): [string, ComposeService] {
  const found = Object.entries(project.services).filter(([, s]) => s.build?.context === REPO);
  assert.equal(found.length, 1, 'one service is built from the repository (the bridge)');
  return found[0]!;
}

function suite(bin: string): void {
  const loaded = load(bin, COMPOSE_FILE);
  const project = (): ComposeProject => {
    assert.equal(loaded.error, undefined, 'the loader accepts docker-compose.yml');
    return loaded.project;
  };

  test('the Compose specification loader accepts the file (schema, interpolation, consistency)', () => {
    assert.equal(loaded.error, undefined);
    assert.deepEqual(Object.keys(project().services).sort(), [
      'consul',
      'dubbo-provider',
      'eureka',
      'eureka-sample',
      'istiod',
      'registry-bridge',
      'zookeeper',
    ]);
  });

  test('every file it mounts or builds from exists, and so does what its Dockerfiles copy', () => {
    assert.deepEqual(mountProblems(project()), []);
    assert.deepEqual(buildProblems(project()), []);
    const built = Object.values(project().services).map((s) => s.build?.context);
    for (const fixture of ['dubbo-provider', 'eureka-server']) {
      assert.ok(
        built.includes(join(REPO, 'test', 'fixtures', fixture)),
        `${fixture} built from its test fixture`,
      );
    }
  });

  test('every port published on the host is bound to its loopback only', () => {
    assert.deepEqual(publishedPortProblems(project()), []);
    const [, bridge] = bridgeService(project());
    assert.ok(
      (bridge.ports ?? []).some((p) => p.target === 15052 && p.host_ip === '127.0.0.1'),
      'the admin port is published on 127.0.0.1',
    );
  });

  test("the bridge's config names every registry by its compose service and port, and the bridge accepts it", () => {
    const p = project();
    const [, bridge] = bridgeService(p);
    const target = flagValue(bridge.command, '--config');
    assert.ok(target, 'the bridge is started with --config');
    const configFile = mountedAt(bridge, target);
    assert.ok(configFile, `${target} is mounted from the repository`);
    const config = loadConfigFile(configFile, adapterCatalog, {});
    assert.deepEqual([...new Set(config.registries.map((r) => r.identity.type))].sort(), [
      'consul',
      'eureka',
      'file',
      'zookeeper',
    ]);
    const raw = parse(readFileSync(configFile, 'utf8')) as {
      registries: { name: string; type: string; address?: unknown; path?: string }[];
    };
    const problems: string[] = [];
    for (const r of raw.registries) {
      if (r.type === 'file') {
        if (!r.path || !mountedAt(bridge, r.path))
          problems.push(`${r.name}: ${r.path ?? '(no path)'} is not mounted`);
        continue;
      }
      const eps = addressEndpoints(r.address);
      if (eps.length === 0)
        problems.push(`${r.name}: no address (the default is loopback, not a compose service)`);
      for (const ep of eps) problems.push(...endpointProblems(p, `registry ${r.name}`, ep));
    }
    assert.deepEqual(problems, []);
  });

  test('the registries are fed: the Dubbo provider uses the compose ZooKeeper, the sample the compose Eureka', () => {
    const p = project();
    const zk = flagValue(p.services['dubbo-provider']!.command, '--zk');
    assert.deepEqual(
      addressEndpoints(zk).flatMap((ep) => endpointProblems(p, 'dubbo-provider --zk', ep)),
      [],
    );
    const sample = p.services['eureka-sample'] as ComposeService & { environment?: Record<string, string> };
    const url = sample.environment?.EUREKA_URL;
    assert.ok(url, 'eureka-sample has EUREKA_URL');
    assert.deepEqual(
      addressEndpoints(url).flatMap((ep) => endpointProblems(p, 'eureka-sample', ep)),
      [],
    );
  });

  test('istiod of the 1.28 or 1.29 line reads the bridge by its service name and xDS port', () => {
    const p = project();
    const [bridgeName, bridge] = bridgeService(p);
    const istiods = Object.entries(p.services).filter(([, s]) =>
      /^(docker\.io\/)?istio\/pilot:/.test(s.image ?? ''),
    );
    assert.equal(istiods.length, 1, 'one istiod');
    const [, istiod] = istiods[0]!;
    assert.match(istiod.image!, /:1\.(28|29)\.\d+$/, 'kube-less istiod 1.30+ panics at start');
    const meshTarget = flagValue(istiod.command, '--meshConfig');
    assert.ok(meshTarget, 'istiod is started with --meshConfig');
    const meshFile = mountedAt(istiod, meshTarget);
    assert.ok(meshFile, `${meshTarget} is mounted from the repository`);
    const mesh = parse(readFileSync(meshFile, 'utf8')) as { configSources?: { address: string }[] };
    const xds = (mesh.configSources ?? []).filter((s) => s.address.startsWith('xds://'));
    assert.equal(xds.length, 1, 'one xds:// config source');
    const ep = addressEndpoints(xds[0]!.address.slice('xds://'.length))[0]!;
    assert.equal(ep.host, bridgeName);
    const config = loadConfigFile(
      mountedAt(bridge, flagValue(bridge.command, '--config')!)!,
      adapterCatalog,
      {},
    );
    assert.equal(ep.port, Number(config.xds.address.slice(config.xds.address.lastIndexOf(':') + 1)));
    assert.deepEqual(endpointProblems(p, 'istiod configSources', ep), []);
  });

  describe('each check can fail', () => {
    const dir = mkdtempSync(join(tmpdir(), 'irb-compose-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const write = (name: string, text: string): string => {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    };

    test('the loader rejects a file that breaks the schema, and a dependency on a missing service', () => {
      const schema = load(
        bin,
        write('schema.yml', 'services:\n  a:\n    image: x\n    ports: {"8080": 8080}\n'),
      );
      assert.match(schema.error ?? '', /ports/);
      const unknownKey = load(bin, write('key.yml', 'services:\n  a:\n    image: x\n    imagee: y\n'));
      assert.match(unknownKey.error ?? '', /imagee/);
      const dep = load(bin, write('dep.yml', 'services:\n  a:\n    image: x\n    depends_on: [b]\n'));
      assert.match(dep.error ?? '', /\bb\b/);
    });

    test('a missing mount, a missing Dockerfile, a port on every address and a wrong registry host are reported', () => {
      const bad = load(
        bin,
        write(
          'bad.yml',
          [
            'services:',
            '  a:',
            '    build: { context: ., dockerfile: Nope.Dockerfile }',
            '    volumes: ["./missing.yaml:/etc/x.yaml:ro"]',
            '    ports: ["15052:15052"]',
            '    expose: ["8500"]',
            '',
          ].join('\n'),
        ),
      );
      const p = bad.project!;
      assert.equal(mountProblems(p).length, 1);
      assert.match(buildProblems(p)[0] ?? '', /Nope\.Dockerfile does not exist/);
      assert.match(publishedPortProblems(p)[0] ?? '', /every host address/);
      assert.match(endpointProblems(p, 'r', { host: 'consul', port: 8500 })[0] ?? '', /no compose service/);
      assert.match(endpointProblems(p, 'r', { host: 'a', port: 2181 })[0] ?? '', /exposes no port 2181/);
      assert.deepEqual(endpointProblems(p, 'r', { host: 'a', port: 8500 }), []);
    });
  });
}

const loader = buildLoader();
if ('missing' in loader) unavailableSuite(SUITE, loader.missing);
else describe(SUITE, () => suite(loader.bin));

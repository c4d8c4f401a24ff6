import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseAllDocuments, stringify } from 'yaml';
import { runCli, startCli } from '../support/cli.js';
import { eventually } from '../support/bridge.js';
import { freePort } from '../support/ports.js';

interface Manifest {
  kind: string;
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec: { hosts: string[]; endpoints?: { address: string }[] };
}

const services = (reviewsV2Address: string) => ({
  services: [
    {
      name: 'reviews',
      namespace: 'bookinfo',
      protocol: 'http',
      instances: [
        { address: '10.0.0.11', port: 9080, labels: { version: 'v1' } },
        { address: reviewsV2Address, port: 9080, labels: { version: 'v2' } },
      ],
    },
    { name: 'Ratings_API', protocol: 'grpc', instances: [{ address: '10.0.0.21', port: 50051 }] },
  ],
});

describe('registry-bridge serve, watch and dump with the file adapter', () => {
  let dir: string;
  let configPath: string;
  let servicesPath: string;
  let xds: string;
  let admin: string;
  let serve: ReturnType<typeof startCli>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'irb-e2e-'));
    servicesPath = join(dir, 'services.yaml');
    configPath = join(dir, 'config.yaml');
    writeFileSync(servicesPath, stringify(services('10.0.0.12')));
    xds = `127.0.0.1:${await freePort()}`;
    admin = `127.0.0.1:${await freePort()}`;
    writeFileSync(
      configPath,
      stringify({
        xds: { address: xds, debounce: '20ms' },
        admin: { address: admin },
        registries: [
          { name: 'files', type: 'file', namespace: 'ext', path: 'services.yaml', pollInterval: '200ms' },
        ],
      }),
    );
    serve = startCli(['serve', '--config', configPath]);
    await eventually(async () => {
      const res = await fetch(`http://${admin}/readyz`).catch(() => undefined);
      return res?.status === 200 ? true : undefined;
    }, 10_000).catch((err: Error) => {
      throw new Error(`${err.message}; serve printed:\n${serve.output()}`);
    });
  });

  after(async () => {
    if (serve.child.exitCode === null) serve.child.kill('SIGKILL');
    await serve.exited;
  });

  const watchOnce = async (extra: string[] = []): Promise<Manifest[]> => {
    const r = await runCli(['watch', '--once', '--server', xds, '--output', 'json', ...extra]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as Manifest[];
  };

  test('watch --once: every kind is answered and the services arrive as ServiceEntries', async () => {
    const r = await runCli(['watch', '--once', '--server', xds]);
    assert.equal(r.code, 0, r.stderr);
    const answered = r.stderr.split('\n').filter((l) => l.includes('"answered"'));
    assert.equal(answered.length, 15, 'MeshConfig and the 14 Istio kinds of 1.24+');
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as Manifest);
    assert.deepEqual(
      docs.map((d) => `${d.kind} ${d.metadata.namespace}/${d.metadata.name} ${d.spec.hosts[0]}`),
      ['ServiceEntry bookinfo/reviews reviews.bookinfo', 'ServiceEntry ext/ratings-api ratings-api.ext'],
    );
  });

  test('watch --once --delta and the 1.20 type URLs give the same resources', async () => {
    const sotw = await watchOnce();
    assert.deepEqual(await watchOnce(['--delta']), sotw);
    assert.deepEqual(await watchOnce(['--istio', '1.20']), sotw);
  });

  test('dump prints what serve serves', async () => {
    const r = await runCli(['dump', '--config', configPath, '--output', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const dumped = JSON.parse(r.stdout) as Manifest[];
    const served = (await watchOnce()).map((m) => {
      const { resourceVersion: _v, ...metadata } = m.metadata;
      return { ...m, metadata };
    });
    assert.deepEqual(dumped, served);
    assert.equal(dumped[0]!.metadata.resourceVersion, undefined);
  });

  test('editing the file changes only the edited service version', async () => {
    const before = await watchOnce();
    const v = (ms: Manifest[], name: string) =>
      ms.find((m) => m.metadata.name === name)!.metadata.resourceVersion;
    writeFileSync(servicesPath, stringify(services('10.0.0.99')));
    const after = await eventually(async () => {
      const now = await watchOnce();
      return v(now, 'reviews') !== v(before, 'reviews') ? now : undefined;
    }, 10_000);
    assert.equal(v(after, 'ratings-api'), v(before, 'ratings-api'));
    assert.ok(
      after
        .find((m) => m.metadata.name === 'reviews')!
        .spec.endpoints!.some((e) => e.address === '10.0.0.99'),
    );
  });

  test('a file that fails to parse keeps the last good state', async () => {
    const before = await watchOnce();
    writeFileSync(servicesPath, 'services: [ {name: broken\n');
    await eventually(async () => {
      const res = await fetch(`http://${admin}/debug/registries`);
      const body = (await res.json()) as { registries: { state: string; lastError?: string }[] };
      return body.registries[0]!.state === 'stale' ? true : undefined;
    }, 10_000);
    assert.deepEqual(await watchOnce(), before);
    // The last good content comes back: the registry is no longer stale.
    writeFileSync(servicesPath, stringify(services('10.0.0.99')));
    await eventually(async () => {
      const res = await fetch(`http://${admin}/debug/registries`);
      const body = (await res.json()) as { registries: { state: string }[] };
      return body.registries[0]!.state === 'synced' ? true : undefined;
    }, 10_000);
    writeFileSync(servicesPath, 'service:\n  - name: typo\n');
    await eventually(async () => {
      const res = await fetch(`http://${admin}/debug/registries`);
      const body = (await res.json()) as { registries: { state: string }[] };
      return body.registries[0]!.state === 'stale' ? true : undefined;
    }, 10_000);
    assert.deepEqual(await watchOnce(), before, 'a misspelt services key must not delete everything');
    writeFileSync(servicesPath, stringify(services('10.0.0.99')));
  });

  test('admin: healthz, metrics and debug views answer', async () => {
    assert.equal((await fetch(`http://${admin}/healthz`)).status, 200);
    const metrics = await (await fetch(`http://${admin}/metrics`)).text();
    for (const name of ['irb_xds_pushes_total', 'irb_resources', 'irb_registry_synced', 'irb_xds_clients']) {
      assert.ok(metrics.includes(name), `metric ${name} missing`);
    }
    const resources = (await (await fetch(`http://${admin}/debug/resources`)).json()) as {
      kinds: { ServiceEntry: { count: number } };
    };
    assert.equal(resources.kinds.ServiceEntry.count, 2);
    const yaml = await (await fetch(`http://${admin}/debug/resources?format=yaml`)).text();
    assert.match(yaml, /kind: ServiceEntry/);
    const clients = (await (await fetch(`http://${admin}/debug/clients`)).json()) as { clients: unknown[] };
    assert.ok(Array.isArray(clients.clients));
  });

  test('SIGTERM stops serve with exit code 0 within a few seconds', async () => {
    const started = Date.now();
    serve.child.kill('SIGTERM');
    const code = await serve.exited;
    assert.equal(code, 0);
    assert.ok(Date.now() - started < 5000);
  });
});

describe('registry-bridge command line errors', () => {
  test('a config with a bad key exits non-zero with one line naming the key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'irb-bad-'));
    const p = join(dir, 'c.yaml');
    writeFileSync(
      p,
      stringify({ output: { mode: 'both' }, registries: [{ name: 'f', type: 'file', path: 'x' }] }),
    );
    const r = await runCli(['serve', '--config', p]);
    assert.notEqual(r.code, 0);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /output\.mode/);
  });

  test('an unknown flag exits non-zero', async () => {
    const r = await runCli(['serve', '--config', 'x', '--bogus']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /unknown option/);
  });

  test('--version prints the package version', async () => {
    // dist/test/cli/ -> the repository's package.json
    const pkgPath = join(import.meta.dirname, '..', '..', '..', 'package.json');
    const { version } = JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string };
    assert.match(version, /^\d+\.\d+\.\d+/);
    const r = await runCli(['--version']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${version}\n`);
  });
});

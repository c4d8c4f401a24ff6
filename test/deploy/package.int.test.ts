/**
 * The published artefact works: `npm pack`, then `npm install --omit=dev
 * <tarball>` into an empty folder (scripts/pack-install.sh, which the
 * Dockerfile's build stage runs too), then the installed `registry-bridge`
 * runs `--version`, `dump` and `serve` (readiness, an xDS client served, stop
 * by PID) from a folder outside the repository. The Dockerfile is checked
 * against that same installed layout.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { freePort } from '../support/ports.js';
import { imageNodeOptions } from '../support/image-node-options.js';
import { dockerfileContextProblems } from './compose-checks.js';
import { dockerfileLayoutProblems, type PackageFacts } from './dockerfile-layout.js';

const REPO = join(import.meta.dirname, '..', '..', '..');
const pkgJson = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  bin: Record<string, string>;
};
const [binName, binPath] = Object.entries(pkgJson.bin)[0]!;
const PKG: PackageFacts = { name: pkgJson.name, binName, binPath };

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

describe('the npm package, installed from its tarball with --omit=dev', () => {
  let dir: string;
  let install: string;
  let bin: string;
  let cwd: string;
  const run = (args: string[], timeout = 60_000): SpawnSyncReturns<string> =>
    spawnSync(bin, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, NO_COLOR: '1' } });

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'irb-package-'));
    install = join(dir, 'install');
    cwd = join(dir, 'work');
    const r = spawnSync('bash', [join(REPO, 'scripts', 'pack-install.sh'), install], {
      encoding: 'utf8',
      timeout: 600_000,
    });
    assert.equal(r.status, 0, `scripts/pack-install.sh failed (${r.status ?? r.signal}):\n${r.stderr}`);
    bin = r.stdout.trim().split('\n').at(-1)!;
    mkdirSync(cwd);
    writeFileSync(
      join(cwd, 'services.yaml'),
      stringify({
        services: [
          { name: 'Reviews_API', protocol: 'http', instances: [{ address: '10.0.0.1', port: 9080 }] },
          { name: 'ledger', protocol: 'grpc', instances: [{ address: '10.0.0.2', port: 50051 }] },
        ],
      }),
    );
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function config(): Promise<{ file: string; xds: number; admin: number }> {
    const xds = await freePort();
    const admin = await freePort();
    const file = join(cwd, `config-${xds}.yaml`);
    writeFileSync(
      file,
      stringify({
        xds: { address: `127.0.0.1:${xds}` },
        admin: { address: `127.0.0.1:${admin}` },
        registries: [{ name: 'files', type: 'file', namespace: 'ext', path: 'services.yaml' }],
      }),
    );
    return { file, xds, admin };
  }

  test('the package holds the one-file build with its chunks, the protos and examples; nothing of dist/src, test/ or bench/', () => {
    const root = join(install, 'node_modules', PKG.name);
    const files = walk(root).map((f) => relative(root, f));
    assert.equal(binPath, 'dist/bundle/registry-bridge.mjs', 'the command is the one-file build');
    assert.ok(files.includes(binPath), `${binPath} installed`);
    assert.ok(statSync(join(root, binPath)).mode & 0o111, 'the bin is executable');
    assert.deepEqual(
      files.filter(
        (f) =>
          !/^(dist\/bundle\/(registry-bridge\.mjs|chunks\/[\w-]+\.mjs(\.LEGAL\.txt)?)|proto\/|examples\/)/.test(
            f,
          ) && !/^(package\.json|README\.md|LICENSE)$/.test(f),
      ),
      [],
      'only the build in dist/bundle, proto, examples, package.json and README',
    );
    const built = walk(join(REPO, 'dist', 'bundle')).map((f) => relative(REPO, f));
    assert.deepEqual(
      built.filter((f) => !files.includes(f)),
      [],
      'every file of the build shipped',
    );
    const protos = walk(join(REPO, 'proto')).map((f) => relative(REPO, f));
    assert.deepEqual(
      protos.filter((p) => !files.includes(p)),
      [],
      'every proto shipped',
    );
  });

  test('registry-bridge --version prints the package version', () => {
    const r = run(['--version']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), pkgJson.version);
  });

  test('registry-bridge dump prints the ServiceEntries of a small config', async () => {
    const { file } = await config();
    const r = run(['dump', '--config', file, '--output', 'json']);
    assert.equal(r.status, 0, r.stderr);
    const docs = JSON.parse(r.stdout) as { kind: string; metadata: { name: string; namespace: string } }[];
    assert.deepEqual(docs.map((d) => `${d.kind} ${d.metadata.namespace}/${d.metadata.name}`).sort(), [
      'ServiceEntry ext/ledger',
      'ServiceEntry ext/reviews-api',
    ]);
  });

  test('registry-bridge serve: ready on /readyz, serves an xDS client, ends with 0 on SIGTERM by PID', async () => {
    const { file, xds, admin } = await config();
    const child = spawn(bin, ['serve', '--config', file, '--log-format', 'pretty'], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const end = Date.now() + 30_000;
      let ready = false;
      while (!ready && Date.now() < end && child.exitCode === null) {
        ready = await fetch(`http://127.0.0.1:${admin}/readyz`).then(
          (r) => r.status === 200,
          () => false,
        );
        if (!ready) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(ready, `/readyz answered 200 within 30 s:\n${out}`);
      assert.ok(await tcpOpen(xds), 'the xDS port accepts connections');
      const watch = spawnSync(bin, ['watch', '--once', '--server', `127.0.0.1:${xds}`], {
        cwd,
        encoding: 'utf8',
        timeout: 30_000,
      });
      assert.equal(watch.status, 0, watch.stderr);
      assert.match(watch.stdout, /reviews-api/);
      assert.match(watch.stdout, /ledger/);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0, out);
  });

  test("the image's NODE_OPTIONS (the Dockerfile's ENV) are accepted by Node and the command runs with them", () => {
    const options = imageNodeOptions();
    assert.ok(options.length > 0, 'the Dockerfile sets NODE_OPTIONS');
    const r = spawnSync(process.execPath, [join(REPO, PKG.binPath), '--version'], {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: options.join(' ') },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), pkgJson.version);
  });

  test('the Dockerfile builds the same layout: what it copies exists, its ENTRYPOINT is the package bin, non-root', () => {
    const dockerfile = join(REPO, 'Dockerfile');
    assert.deepEqual(dockerfileContextProblems(dockerfile, REPO), []);
    assert.deepEqual(dockerfileLayoutProblems(readFileSync(dockerfile, 'utf8'), install, PKG), []);
  });

  test('the Dockerfile check fails on a Dockerfile that copies a path the package lacks, runs something else, or runs as root', () => {
    const good = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
    const lacks = good.replace(/^COPY --from=(\S+) (\S+) /m, 'COPY --from=$1 $2/dist/test ');
    assert.match(dockerfileLayoutProblems(lacks, install, PKG).join('\n'), /has no such path/);
    const other = good.replace(/^ENTRYPOINT .*$/m, 'ENTRYPOINT ["node", "dist/bundle/registry-bridge.mjs"]');
    assert.match(dockerfileLayoutProblems(other, install, PKG).join('\n'), /ENTRYPOINT/);
    const root = good.replace(/^USER .*$/m, 'USER node');
    assert.match(dockerfileLayoutProblems(root, install, PKG).join('\n'), /non-root numeric USER/);
    const ctxDir = mkdtempSync(join(dir, 'ctx-'));
    writeFileSync(join(ctxDir, 'Dockerfile'), 'FROM scratch\nCOPY missing.txt /x\n');
    assert.match(dockerfileContextProblems(join(ctxDir, 'Dockerfile'), ctxDir).join('\n'), /missing\.txt/);
  });
});

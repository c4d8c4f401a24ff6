import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { adapterCatalog } from '../../src/adapters/catalog/catalog.js';
import { runCli } from '../support/cli.js';

/** Registries the bridge has, or has had planned; only those in the catalog may be claimed. */
const REGISTRY_NAMES = ['file', 'consul', 'eureka', 'zookeeper', 'dubbo', 'nacos', 'etcd'];
const missing = REGISTRY_NAMES.filter((n) => !adapterCatalog.has(n));

test('--help names every registry type of the catalog and no registry the catalog lacks', async () => {
  const r = await runCli(['--help']);
  assert.equal(r.code, 0, r.stderr);
  const help = r.stdout.toLowerCase();
  for (const type of adapterCatalog.keys())
    assert.ok(help.includes(type), `help lacks ${type}:\n${r.stdout}`);
  for (const name of missing) assert.ok(!help.includes(name), `help claims ${name}:\n${r.stdout}`);
});

test('the package description claims no registry the catalog lacks', () => {
  // dist/test/cli/ -> the repository's package.json
  const pkg = JSON.parse(
    readFileSync(join(import.meta.dirname, '..', '..', '..', 'package.json'), 'utf8'),
  ) as {
    description: string;
  };
  const description = pkg.description.toLowerCase();
  for (const name of missing) assert.ok(!description.includes(name), `description claims ${name}`);
});

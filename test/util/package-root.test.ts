import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../../src/util/package-root.js';

describe('packageRoot', () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'irb-pkgroot-')));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('finds the nearest folder above a module that holds a package.json, however deep the module sits', () => {
    const pkg = join(dir, 'pkg');
    mkdirSync(join(pkg, 'dist', 'bundle', 'chunks'), { recursive: true });
    mkdirSync(join(pkg, 'dist', 'src', 'cli'), { recursive: true });
    writeFileSync(join(pkg, 'package.json'), '{}');
    assert.equal(packageRoot(pathToFileURL(join(pkg, 'dist', 'bundle', 'chunks', 'x.mjs')).href), pkg);
    assert.equal(packageRoot(pathToFileURL(join(pkg, 'dist', 'src', 'cli', 'program.js')).href), pkg);
  });

  test('this build finds the repository, whose package.json names the project', () => {
    const root = packageRoot(import.meta.url);
    const name = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string }).name;
    assert.equal(name, 'istio-registry-bridge');
  });
});

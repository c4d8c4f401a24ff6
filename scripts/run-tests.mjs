// Runs the compiled node:test files. `--unit` skips the integration suites
// (those that need a real registry or istiod); `--only <dir>` limits to one folder.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const onlyIdx = args.indexOf('--only');
const only = onlyIdx >= 0 ? args[onlyIdx + 1] : undefined;
const root = join(import.meta.dirname, '..', 'dist', 'test');

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...collect(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

let files = collect(root);
if (unitOnly) files = files.filter((f) => !f.endsWith('.int.test.js'));
if (only) files = files.filter((f) => relative(root, f).startsWith(only));
if (files.length === 0) {
  process.stderr.write('run-tests: no test files found under dist/test\n');
  process.exit(1);
}
const res = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...files], { stdio: 'inherit' });
process.exit(res.status ?? 1);

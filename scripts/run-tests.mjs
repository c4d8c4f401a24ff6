// Runs the compiled node:test files. `--unit` skips the integration suites
// (those that need a real registry or istiod); `--only <dir>` limits to one folder;
// any other argument is a test file to run instead of the whole tree.
// After node's totals it prints what was skipped and why: a suite that cannot
// run on this machine is a skipped test (test/support/skip.ts), never silence.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

let unitOnly = false;
let only;
const explicit = [];
for (const args = process.argv.slice(2); args.length > 0;) {
  const a = args.shift();
  if (a === '--unit') unitOnly = true;
  else if (a === '--only') only = args.shift();
  else if (a.startsWith('--')) {
    process.stderr.write(`run-tests: unknown option ${a}\n`);
    process.exit(2);
  } else explicit.push(a);
}
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

let files = explicit.length > 0 ? explicit.map((f) => resolve(f)) : collect(root);
if (unitOnly) files = files.filter((f) => !f.endsWith('.int.test.js'));
if (only) files = files.filter((f) => relative(root, f).startsWith(only));
if (files.length === 0) {
  process.stderr.write('run-tests: no test files found under dist/test\n');
  process.exit(1);
}

// The reporter node would pick (spec on a terminal, TAP otherwise), plus one that records skips.
const skipsFile = join(tmpdir(), `irb-run-tests-skips-${process.pid}.jsonl`);
const reporter = pathToFileURL(join(import.meta.dirname, 'skips-reporter.mjs')).href;
const res = spawnSync(
  process.execPath,
  [
    '--test',
    '--test-concurrency=1',
    `--test-reporter=${process.stdout.isTTY ? 'spec' : 'tap'}`,
    '--test-reporter-destination=stdout',
    `--test-reporter=${reporter}`,
    `--test-reporter-destination=${skipsFile}`,
    ...files,
  ],
  { stdio: 'inherit' },
);

const skips = existsSync(skipsFile)
  ? readFileSync(skipsFile, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l))
  : [];
rmSync(skipsFile, { force: true });
const where = (f) => (f ? relative(join(import.meta.dirname, '..'), f) : '?');
const lines = skips.map(
  (s) => `  - ${where(s.file)}: ${s.suite ? 'suite ' : ''}"${s.name}": ${s.reason || '(no reason given)'}`,
);
process.stdout.write(
  skips.length === 0
    ? 'run-tests: skipped 0 (everything ran)\n'
    : `run-tests: SKIPPED ${skips.length} (did not run on this machine):\n${lines.join('\n')}\n`,
);
process.exit(res.status ?? 1);

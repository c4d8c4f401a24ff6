/**
 * scripts/run-tests.mjs and test/support/skip.ts together: a suite that
 * cannot run here is counted (node's skipped total) and listed with its
 * reason after the totals; under CI it fails the run unless it is marked as
 * not part of CI.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';

const REPO = join(import.meta.dirname, '..', '..', '..');
const SKIP_HELPER = pathToFileURL(join(import.meta.dirname, '..', 'support', 'skip.js')).href;

/** A test file with one passing test and one suite that cannot run (`options` as given). */
function fixture(options: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'irb-runner-'));
  const file = join(dir, 'fixture.test.mjs');
  writeFileSync(
    file,
    [
      `import { test } from 'node:test';`,
      `import { unavailableSuite } from ${JSON.stringify(SKIP_HELPER)};`,
      `test('runs', () => {});`,
      `unavailableSuite('needs the frobnicator', 'frobnicator not installed', ${options});`,
      '',
    ].join('\n'),
  );
  return file;
}

/** Runs scripts/run-tests.mjs on `file` with CI set to `ci` (undefined: unset). */
function runTests(file: string, ci: string | undefined): Promise<{ code: number | null; out: string }> {
  const env = { ...process.env };
  delete env.CI;
  delete env.NODE_TEST_CONTEXT; // set for this file by the outer runner; the inner one must not see it
  if (ci !== undefined) env.CI = ci;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, 'scripts', 'run-tests.mjs'), file], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, out }));
  });
}

const total = (out: string, what: string): number =>
  Number(new RegExp(`^# ${what} (\\d+)$`, 'm').exec(out)?.[1]);

describe('suites that cannot run on this machine', () => {
  test('outside CI: one skipped test in the totals, listed with its reason, exit 0', async () => {
    const r = await runTests(fixture('{}'), undefined);
    assert.equal(r.code, 0, r.out);
    assert.equal(total(r.out, 'skipped'), 1, r.out);
    assert.equal(total(r.out, 'pass'), 1, r.out);
    assert.match(r.out, /^run-tests: SKIPPED 1 \(did not run on this machine\):$/m);
    assert.match(r.out, /^ {2}- .*fixture\.test\.mjs: "needs the frobnicator": frobnicator not installed$/m);
  });

  test('under CI: a failing test carrying the reason, and the run fails', async () => {
    const r = await runTests(fixture('{}'), 'true');
    assert.notEqual(r.code, 0, r.out);
    assert.equal(total(r.out, 'fail'), 1, r.out);
    assert.equal(total(r.out, 'skipped'), 0, r.out);
    assert.match(r.out, /needs the frobnicator cannot run: frobnicator not installed/);
    assert.match(r.out, /^run-tests: skipped 0 /m);
  });

  test('under CI, a suite marked as not part of CI is still a listed skip', async () => {
    const r = await runTests(fixture('{ notInCi: true }'), 'true');
    assert.equal(r.code, 0, r.out);
    assert.equal(total(r.out, 'skipped'), 1, r.out);
    assert.match(r.out, /"needs the frobnicator": frobnicator not installed$/m);
  });

  test('CI=false is not CI', async () => {
    const r = await runTests(fixture('{}'), 'false');
    assert.equal(r.code, 0, r.out);
    assert.equal(total(r.out, 'skipped'), 1, r.out);
  });
});

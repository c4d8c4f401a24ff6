import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../src/errors.js';
import { loadSecret } from '../../../src/adapters/kit/secret.js';

describe('kit: secrets from the config or a file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'irb-kit-secret-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('an inline value is returned as is; reload does nothing', async () => {
    const s = await loadSecret({ value: 'abc', file: undefined, fileKey: 'passwordFile' }, dir);
    s.reload();
    assert.equal(s.current(), 'abc');
  });

  test('a file is read relative to the config folder, trimmed, and read again on reload', async () => {
    writeFileSync(join(dir, 'token'), '  first\n');
    const s = await loadSecret({ value: undefined, file: 'token', fileKey: 'tokenFile' }, dir);
    assert.equal(s.current(), 'first');
    writeFileSync(join(dir, 'token'), 'second\n');
    assert.equal(s.current(), 'first', 'not re-read until asked');
    s.reload();
    assert.equal(s.current(), 'second');
  });

  test('a reload that finds the file gone or empty keeps the last value', async () => {
    writeFileSync(join(dir, 'kept'), 'value');
    const s = await loadSecret({ value: undefined, file: 'kept', fileKey: 'tokenFile' }, dir);
    writeFileSync(join(dir, 'kept'), '\n');
    s.reload();
    assert.equal(s.current(), 'value');
    rmSync(join(dir, 'kept'));
    s.reload();
    assert.equal(s.current(), 'value');
  });

  test('a missing or empty file is a ConfigError naming the setting', async () => {
    await assert.rejects(
      loadSecret({ value: undefined, file: 'nope', fileKey: 'passwordFile' }, dir),
      (err: unknown) =>
        err instanceof ConfigError && /^config key passwordFile: cannot read/.test(err.message),
    );
    writeFileSync(join(dir, 'empty'), '  \n');
    await assert.rejects(
      loadSecret({ value: undefined, file: 'empty', fileKey: 'tokenFile' }, dir),
      (err: unknown) => err instanceof ConfigError && /^config key tokenFile: .*empty$/.test(err.message),
    );
  });
});

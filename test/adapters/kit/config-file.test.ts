import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../src/errors.js';
import { readConfigFile } from '../../../src/adapters/kit/config-file.js';

describe('kit: files named in settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'irb-kit-file-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('no file set: undefined; a relative path is read from the config folder', async () => {
    assert.equal(await readConfigFile('caFile', undefined, dir), undefined);
    writeFileSync(join(dir, 'ca.pem'), 'PEM');
    assert.equal((await readConfigFile('caFile', 'ca.pem', dir))?.toString(), 'PEM');
  });

  test('an unreadable file is a ConfigError with the key and the full path', async () => {
    await assert.rejects(readConfigFile('certFile', 'missing.pem', dir), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /^config key certFile: cannot read .*missing\.pem/);
      assert.ok(err.message.includes(dir));
      return true;
    });
  });
});

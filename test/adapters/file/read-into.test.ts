import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { FileBytes } from '../../../src/adapters/file/read-into.js';

describe('FileBytes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'irb-read-into-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('reads whole files of any size into one reused buffer, each read exact', async () => {
    const path = join(dir, 'f');
    const bytes = new FileBytes();
    for (const size of [0, 5, 100_000, 3, 1_000_000]) {
      const content = Buffer.alloc(size, size % 251);
      writeFileSync(path, content);
      const got = await bytes.read(path);
      assert.equal(got.length, size);
      assert.ok(got.equals(content), `size ${size}`);
    }
  });

  test('a missing file rejects with the system error (the adapter keeps its last good state)', async () => {
    await assert.rejects(new FileBytes().read(join(dir, 'missing')), { code: 'ENOENT' });
  });
});

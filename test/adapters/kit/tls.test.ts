import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkTlsSettings, loadTls, type TlsSettings } from '../../../src/adapters/kit/tls.js';

const issues = (s: TlsSettings, address: string): string[] => {
  const out: string[] = [];
  checkTlsSettings(s, address, 'serviceUrl', (path, m) => out.push(`${path.join('.')}: ${m}`));
  return out;
};

describe('kit: TLS settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'irb-kit-tls-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('certFile and keyFile go together; TLS needs an https address (named by its key)', () => {
    assert.deepEqual(issues({ certFile: 'c', insecureSkipVerify: false }, 'https://x'), [
      'keyFile: certFile and keyFile go together',
    ]);
    assert.deepEqual(issues({ caFile: 'ca', insecureSkipVerify: false }, 'http://x'), [
      'serviceUrl: TLS settings (caFile, certFile, keyFile, insecureSkipVerify) need an https:// address',
    ]);
    assert.deepEqual(issues({ insecureSkipVerify: true }, 'http://x').length, 1);
    assert.deepEqual(issues({ insecureSkipVerify: false }, 'http://x'), []);
  });

  test('no TLS setting: no TLS material; otherwise the files are read', async () => {
    assert.equal(await loadTls({ insecureSkipVerify: false }, dir), undefined);
    writeFileSync(join(dir, 'ca.pem'), 'CA');
    const tls = await loadTls({ caFile: 'ca.pem', insecureSkipVerify: false }, dir);
    assert.equal(tls?.ca?.toString(), 'CA');
    assert.equal(tls?.cert, undefined);
    assert.equal(tls?.rejectUnauthorized, true);
    const insecure = await loadTls({ insecureSkipVerify: true }, dir);
    assert.equal(insecure?.rejectUnauthorized, false);
  });

  test('an unreadable TLS file is a configuration error', async () => {
    await assert.rejects(
      loadTls({ caFile: 'nope.pem', insecureSkipVerify: false }, dir),
      /config key caFile/,
    );
  });
});

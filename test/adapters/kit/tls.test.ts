import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkTlsSettings, loadTls, type TlsSettings } from '../../../src/adapters/kit/tls.js';
import { BridgeError } from '../../../src/errors.js';
import { makeTestPki, type TestPki } from '../../support/certs.js';

const issues = (s: TlsSettings, address: string): string[] => {
  const out: string[] = [];
  checkTlsSettings(s, address, 'serviceUrl', (path, m) => out.push(`${path.join('.')}: ${m}`));
  return out;
};

describe('kit: TLS settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'irb-kit-tls-'));
  let pki: TestPki;
  before(() => {
    pki = makeTestPki();
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(pki.dir, { recursive: true, force: true });
  });

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
    const tls = await loadTls({ caFile: 'ca.pem', insecureSkipVerify: false }, pki.dir);
    assert.deepEqual(tls?.ca, pki.ca);
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

  const tlsError = (re: RegExp) => (err: unknown) =>
    err instanceof BridgeError && err.code === 'IRB_CONFIG_TLS' && re.test(err.message);

  test('a caFile that is not PEM is refused, naming the file', async () => {
    writeFileSync(join(dir, 'not-pem.pem'), 'CA');
    await assert.rejects(
      loadTls({ caFile: 'not-pem.pem', insecureSkipVerify: false }, dir),
      tlsError(/caFile \(.*not-pem\.pem\) holds no PEM certificate/),
    );
  });

  test('a client keyFile that does not belong to its certFile is refused, naming both', async () => {
    await assert.rejects(
      loadTls({ certFile: 'client.pem', keyFile: 'server.key', insecureSkipVerify: false }, pki.dir),
      tlsError(/keyFile .* does not belong to the certificate in certFile/),
    );
    const ok = await loadTls(
      { certFile: 'client.pem', keyFile: 'client.key', insecureSkipVerify: false },
      pki.dir,
    );
    assert.ok(ok?.cert && ok.key);
  });
});

import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { keyMaterialProblem, type PemInput } from '../../src/util/pem.js';
import { makeTestPki, type TestPki } from '../support/certs.js';

describe('keyMaterialProblem', () => {
  let pki: TestPki;
  before(() => {
    pki = makeTestPki();
  });
  after(() => rmSync(pki.dir, { recursive: true, force: true }));

  const file = (key: string, name: string): PemInput => ({
    key,
    path: name,
    data: readFileSync(join(pki.dir, name)),
  });
  const text = (key: string, data: string): PemInput => ({
    key,
    path: `${key}.pem`,
    data: Buffer.from(data),
  });

  test('a matching certificate, key and CA bundle pass', () => {
    assert.equal(
      keyMaterialProblem({
        cert: file('certFile', 'server.pem'),
        key: file('keyFile', 'server.key'),
        ca: { ...file('caFile', 'ca.pem'), data: Buffer.concat([pki.ca, pki.ca]) },
      }),
      undefined,
    );
  });

  test('each kind of bad input is named with its key and path', () => {
    const cases: [Parameters<typeof keyMaterialProblem>[0], RegExp][] = [
      [{ ca: text('ca', 'hello') }, /^ca \(ca\.pem\) holds no PEM certificate/],
      [
        { ca: text('ca', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n') },
        /^ca \(ca\.pem\): certificate 1 of 1 cannot be parsed/,
      ],
      [
        { cert: file('cert', 'server.pem'), key: text('key', 'nope') },
        /^key \(key\.pem\) is not a PEM private key/,
      ],
      [
        {
          cert: file('cert', 'server.pem'),
          key: text('key', '-----BEGIN PRIVATE KEY-----\nAA\n-----END PRIVATE KEY-----'),
        },
        /^key \(key\.pem\) cannot be parsed as a private key/,
      ],
      [
        { cert: file('cert', 'server.pem'), key: file('key', 'client.key') },
        /^key \(client\.key\) does not belong to the certificate in cert \(server\.pem\)/,
      ],
    ];
    for (const [input, re] of cases) assert.match(keyMaterialProblem(input) ?? 'passed', re);
  });
});

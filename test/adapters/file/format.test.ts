import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseRegistryFile } from '../../../src/adapters/file/format.js';

describe('parseRegistryFile', () => {
  test('reads services with defaults (healthy true, labels empty)', () => {
    const { services, problems } = parseRegistryFile(
      'services:\n  - name: a\n    instances:\n      - address: 10.0.0.1\n        port: 80\n',
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(services, [
      { id: '/a', name: 'a', instances: [{ address: '10.0.0.1', port: 80, labels: {}, healthy: true }] },
    ]);
  });

  test('a bad instance is skipped and reported, its siblings are kept', () => {
    const { services, problems } = parseRegistryFile(
      'services:\n  - name: a\n    instances:\n      - { address: 10.0.0.1, port: 80 }\n      - { address: 10.0.0.2, port: "x" }\n',
    );
    assert.equal(services[0]!.instances.length, 1);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /services\[0\]\.instances\[1\]: port/);
  });

  test('a service listed twice keeps the first and reports the second', () => {
    const { services, problems } = parseRegistryFile(
      'services:\n  - name: a\n  - name: a\n  - name: a\n    namespace: x\n',
    );
    assert.equal(services.length, 2);
    assert.match(problems[0]!, /listed twice/);
  });

  test('numeric and boolean label values become strings', () => {
    const { services } = parseRegistryFile(
      'services:\n  - name: a\n    instances:\n      - { address: 10.0.0.1, port: 80, labels: { v: 2, canary: true } }\n',
    );
    assert.deepEqual(services[0]!.instances[0]!.labels, { v: '2', canary: 'true' });
  });

  test('a document that is not a services mapping throws', () => {
    assert.throws(() => parseRegistryFile('services: 5\n'), /services/);
    assert.throws(() => parseRegistryFile('services: [\n'));
  });

  test('a missing or misspelt services key, or an empty file, throws instead of meaning "no services"', () => {
    for (const text of ['service:\n  - name: a\n', '', '# only a comment\n', 'foo: 1\n']) {
      assert.throws(() => parseRegistryFile(text), /services: \[\]/, JSON.stringify(text));
    }
    assert.deepEqual(parseRegistryFile('services: []\n').services, []);
  });
});

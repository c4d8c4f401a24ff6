import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { adapterCatalog } from '../../src/adapters/catalog.js';
import { parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';

const minimal = { registries: [{ name: 'f', type: 'file', path: 'x.yaml' }] };

describe('parseConfig', () => {
  test('fills the documented defaults', () => {
    const c = parseConfig(minimal, adapterCatalog, '/etc/irb');
    assert.equal(c.xds.address, '0.0.0.0:15051');
    assert.equal(c.admin.address, '127.0.0.1:15052');
    assert.equal(c.output.mode, 'serviceentry');
    assert.equal(c.xds.debounce, 100);
    assert.equal(c.xds.maxDelay, 1000);
    assert.equal(c.registries[0]!.identity.namespace, 'file');
  });

  const bad: [string, unknown, RegExp][] = [
    ['unknown top-level key', { ...minimal, xdss: {} }, /xdss/],
    ['bad address', { ...minimal, xds: { address: 'nope' } }, /config key xds\.address/],
    ['bad mode', { ...minimal, output: { mode: 'both' } }, /config key output\.mode/],
    ['unknown registry type', { registries: [{ name: 'f', type: 'nacos' }] }, /registries\[0\]\.type.*nacos/],
    ['missing file path', { registries: [{ name: 'f', type: 'file' }] }, /config key registries\[0\]\.path/],
    ['unknown file key', { registries: [{ name: 'f', type: 'file', path: 'a', pth: 1 }] }, /pth/],
    [
      'bad registry name',
      { registries: [{ name: 'F_1', type: 'file', path: 'a' }] },
      /registries\[0\]\.name/,
    ],
    ['duplicate names', { registries: [minimal.registries[0], minimal.registries[0]] }, /used twice/],
    ['bad duration', { ...minimal, xds: { debounce: 'soon' } }, /xds\.debounce.*duration/],
    ['no registries', { registries: [] }, /registries/],
  ];
  for (const [what, doc, re] of bad) {
    test(`rejects ${what} with one line naming the key`, () => {
      assert.throws(
        () => parseConfig(doc, adapterCatalog, '/'),
        (err: unknown) => err instanceof ConfigError && re.test(err.message) && !err.message.includes('\n'),
      );
    });
  }

  test('environment variables override keys, matched case-insensitively, registries by name', () => {
    const c = parseConfig({ ...minimal, xds: { maxDelay: '2s' } }, adapterCatalog, '/', {
      REGISTRY_BRIDGE__XDS__ADDRESS: '127.0.0.1:1234',
      REGISTRY_BRIDGE__XDS__MAXDELAY: '5s',
      REGISTRY_BRIDGE__REGISTRIES__F__PATH: 'other.yaml',
      UNRELATED: 'x',
    });
    assert.equal(c.xds.address, '127.0.0.1:1234');
    assert.equal(c.xds.maxDelay, 5000);
    assert.deepEqual(c.registries[0]!.settings, { path: 'other.yaml', pollInterval: 2000 });
    assert.equal(c.envOverrides.length, 3);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { adapterCatalog } from '../../src/adapters/catalog/catalog.js';
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
    assert.deepEqual(c.xds.limits, {
      maxMessageBytes: 1024 * 1024,
      maxStreams: 512,
      maxStreamsPerPeer: 64,
      maxNamesPerRequest: 20_000,
      maxNamesPerStream: 100_000,
    });
  });

  test('a duration of exactly 2^31-1 ms is accepted', () => {
    const c = parseConfig({ ...minimal, xds: { maxDelay: 2 ** 31 - 1 } }, adapterCatalog, '/');
    assert.equal(c.xds.maxDelay, 2 ** 31 - 1);
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
    // Node timers fire after 1 ms for anything above 2^31-1 ms: such durations are refused.
    [
      'an emptyGracePeriod longer than a timer can wait (600h)',
      {
        registries: [
          { name: 'c', type: 'consul', address: 'http://127.0.0.1:8500', emptyGracePeriod: '600h' },
        ],
      },
      /config key registries\[0\]\.emptyGracePeriod: "600h" is too long: the maximum is 2147483647ms/,
    ],
    [
      'an xds.maxDelay above 2^31-1 ms',
      { ...minimal, xds: { maxDelay: 2 ** 31 } },
      /config key xds\.maxDelay: .*maximum is 2147483647ms/,
    ],
    [
      'a file pollInterval of 1000h',
      { registries: [{ ...minimal.registries[0], pollInterval: '1000h' }] },
      /registries\[0\]\.pollInterval.*maximum/,
    ],
    [
      'a consul backoff.max of 25 days',
      {
        registries: [
          { name: 'c', type: 'consul', address: 'http://127.0.0.1:8500', backoff: { max: '600h' } },
        ],
      },
      /registries\[0\]\.backoff\.max.*maximum/,
    ],
    [
      'a zero xds.limits.maxStreams',
      { ...minimal, xds: { limits: { maxStreams: 0 } } },
      /xds\.limits\.maxStreams/,
    ],
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

  test('an override may set a key the file does not have, with or without underscores', () => {
    const c = parseConfig(minimal, adapterCatalog, '/', {
      REGISTRY_BRIDGE__XDS__MAX_DELAY: '3s',
      REGISTRY_BRIDGE__XDS__DEBOUNCE: '50',
      REGISTRY_BRIDGE__REGISTRIES__F__POLLINTERVAL: '1s',
    });
    assert.equal(c.xds.maxDelay, 3000);
    assert.equal(c.xds.debounce, 50);
    assert.deepEqual(c.registries[0]!.settings, { path: 'x.yaml', pollInterval: 1000 });
  });

  test('a string key keeps a value that looks like a number or is empty', () => {
    const c = parseConfig(minimal, adapterCatalog, '/', { REGISTRY_BRIDGE__REGISTRIES__0__PATH: '12345' });
    assert.deepEqual(c.registries[0]!.settings, { path: '12345', pollInterval: 2000 });
  });

  const badEnv: [string, Record<string, string>, RegExp][] = [
    [
      'an unknown registry name',
      { REGISTRY_BRIDGE__REGISTRIES__NOPE__PATH: 'a' },
      /REGISTRIES__NOPE__PATH.*no registry named/,
    ],
    ['an unknown key', { REGISTRY_BRIDGE__XDS__ADDRES: 'a' }, /XDS__ADDRES.*unknown key "ADDRES"/],
  ];
  for (const [what, env, re] of badEnv) {
    test(`an override naming ${what} is an error naming the variable`, () => {
      assert.throws(
        () => parseConfig(minimal, adapterCatalog, '/', env),
        (err: unknown) => err instanceof ConfigError && re.test(err.message),
      );
    });
  }
});

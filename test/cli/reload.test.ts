import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { BridgeProcess } from '../support/bridge-process.js';
import { eventually } from '../support/bridge.js';

const file = (names: string[], address = '10.0.0.1') => ({
  services: names.map((name) => ({ name, protocol: 'http', instances: [{ address, port: 80 }] })),
});

describe('serve: SIGHUP reloads the configuration', () => {
  let bridge: BridgeProcess;
  const reg = (name: string, path: string, extra: Record<string, unknown> = {}) => ({
    name,
    type: 'file',
    namespace: name,
    path,
    ...extra,
  });
  const served = async (): Promise<Map<string, string>> => {
    const r = await bridge.resources();
    return new Map((r.kinds.ServiceEntry?.resources ?? []).map((x) => [x.name, x.version]));
  };
  const logCount = (needle: string): number => bridge.output().split(needle).length - 1;
  const hup = async (doc: unknown, needle: string): Promise<void> => {
    const before = logCount(needle);
    bridge.writeConfig(doc);
    bridge.signal('SIGHUP');
    await eventually(() => (logCount(needle) > before ? true : undefined), 10_000);
  };

  before(async () => {
    bridge = await BridgeProcess.start({
      registries: [reg('a', 'services.yaml')],
      services: file(['x', 'y']),
    });
  });
  after(() => bridge.dispose());

  test('adds a registry and leaves an unchanged one running untouched', async () => {
    writeFileSync(join(bridge.dir, 'b.yaml'), stringify(file(['z'])));
    const before = await served();
    assert.deepEqual([...before.keys()].sort(), ['a/x', 'a/y']);
    const aSynced = logCount('"registry":"a"');
    await hup(
      { ...bridge.config, registries: [reg('a', 'services.yaml'), reg('b', 'b.yaml')] },
      'config reload applied',
    );
    const now = await eventually(async () => {
      const m = await served();
      return m.has('b/z') ? m : undefined;
    });
    assert.equal(now.get('a/x'), before.get('a/x'));
    assert.equal(now.get('a/y'), before.get('a/y'));
    assert.match(bridge.output(), /"unchanged":\["a"\]/);
    assert.match(bridge.output(), /"added":\["b"\]/);
    // registry a logged nothing: its adapter was not restarted
    assert.equal(logCount('"registry":"a"'), aSynced);
    assert.equal(await bridge.metric('irb_config_reloads_total', { outcome: 'applied' }), 1);
  });

  test('a bad config is rejected with the key named, and the running one keeps serving', async () => {
    const before = await served();
    await hup(
      { ...bridge.config, registries: [{ name: 'a', type: 'file', namespace: 'a' }] },
      'config reload rejected',
    );
    assert.match(bridge.output(), /config reload rejected: config key registries\[0\]\.path/);
    assert.deepEqual(await served(), before);
    assert.equal(await bridge.metric('irb_config_reloads_total', { outcome: 'rejected' }), 1);
    const unparsable = logCount('config reload rejected');
    bridge.writeConfig('registries: [\n');
    bridge.signal('SIGHUP');
    await eventually(() => (logCount('config reload rejected') > unparsable ? true : undefined), 10_000);
    assert.match(bridge.output(), /is not valid YAML/);
    assert.deepEqual(await served(), before);
    assert.equal((await fetch(`${bridge.admin}/healthz`)).status, 200);
  });

  test('removes a registry and its resources, and a changed registry takes over its services without dropping the ones it keeps', async () => {
    writeFileSync(join(bridge.dir, 'a2.yaml'), stringify(file(['x'])));
    writeFileSync(join(bridge.dir, 'c.yaml'), stringify(file(['w'])));
    const before = await served();
    await hup(
      { ...bridge.config, registries: [reg('a', 'a2.yaml'), reg('c', 'c.yaml')] },
      'config reload applied',
    );
    const now = await eventually(async () => {
      const m = await served();
      return m.has('c/w') && !m.has('b/z') && !m.has('a/y') ? m : undefined;
    });
    assert.deepEqual([...now.keys()].sort(), ['a/x', 'c/w']);
    assert.equal(now.get('a/x'), before.get('a/x'), 'a/x kept its version across the swap');
    assert.match(bridge.output(), /"removed":\["b"\]/);
    assert.match(bridge.output(), /"changed":\["a"\]/);
    const registries = (await bridge.getJson('/debug/registries')) as { registries: { name: string }[] };
    assert.deepEqual(
      registries.registries.map((r) => r.name),
      ['a', 'c'],
    );
    assert.equal(
      await bridge.metric('irb_registry_synced', { registry: 'b' }),
      undefined,
      "b's series are gone",
    );
  });

  test('SIGTERM still stops it cleanly after reloads', async () => {
    await bridge.stop();
    assert.match(bridge.output(), /shutting down/);
  });
});

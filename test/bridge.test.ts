import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { adapterCatalog } from '../src/adapters/catalog/catalog.js';
import { Bridge } from '../src/bridge.js';
import { parseConfig } from '../src/config/load.js';
import { silentLogger } from './support/bridge.js';

describe('Bridge', () => {
  test('a registry that synced during start does not open the gate while another has not synced', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'irb-gate-'));
    writeFileSync(
      join(dir, 'a.yaml'),
      'services:\n  - name: a\n    instances: [{address: 10.0.0.1, port: 80}]\n',
    );
    const config = parseConfig(
      {
        xds: { address: '127.0.0.1:0' },
        admin: { address: '127.0.0.1:0' },
        registries: [
          { name: 'good', type: 'file', path: 'a.yaml' },
          { name: 'missing', type: 'file', path: 'not-there-yet.yaml', pollInterval: '50ms' },
        ],
      },
      adapterCatalog,
      dir,
    );
    const bridge = new Bridge(config, silentLogger);
    try {
      await bridge.serve();
      assert.equal(bridge.pipeline.allSynced(), false);
      assert.equal(bridge.store.isComplete(), false, 'ServiceEntries must wait for the missing registry');
      writeFileSync(join(dir, 'not-there-yet.yaml'), 'services: []\n');
      await bridge.waitSynced(5000);
      assert.equal(bridge.store.isComplete(), true);
    } finally {
      await bridge.stop();
    }
  });
});

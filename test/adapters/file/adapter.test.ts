import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import type { RegistrySink } from '../../../src/adapters/adapter.js';
import { FileAdapter } from '../../../src/adapters/file/adapter.js';
import type { RegistryService } from '../../../src/model/registry.js';
import { silentLogger } from '../../support/bridge.js';

function recordingSink() {
  const calls: { op: 'upsert' | 'remove' | 'replaceAll' | 'stale' | 'fresh'; ids: string[] }[] = [];
  const sink: RegistrySink = {
    upsert: (s: RegistryService) => calls.push({ op: 'upsert', ids: [s.id] }),
    remove: (id: string) => calls.push({ op: 'remove', ids: [id] }),
    replaceAll: (all: readonly RegistryService[]) =>
      calls.push({ op: 'replaceAll', ids: all.map((s) => s.id) }),
    synced: () => undefined,
    setStale: (stale: boolean) => {
      const op = stale ? 'stale' : 'fresh';
      if (calls.at(-1)?.op !== op) calls.push({ op, ids: [] });
    },
    reportBadInput: () => undefined,
  };
  return { sink, calls };
}

const doc = (names: string[], port = (_n: string) => 80): string =>
  'services:\n' +
  names
    .map((n) => `  - name: ${n}\n    instances:\n      - { address: 10.0.0.1, port: ${port(n)} }`)
    .join('\n') +
  '\n';

describe('FileAdapter', () => {
  test('after the first read, a reload sends only the changed and removed services', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'irb-file-adapter-'));
    const path = join(dir, 'services.yaml');
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    writeFileSync(path, doc(names));
    const { sink, calls } = recordingSink();
    const changes = () => calls.filter((c) => c.op !== 'stale' && c.op !== 'fresh');
    const adapter = new FileAdapter('f', path, 100);
    try {
      await adapter.start({ sink, logger: silentLogger });
      assert.deepEqual(changes(), [{ op: 'replaceAll', ids: names.map((n) => `/${n}`) }]);
      writeFileSync(
        join(dir, 'next.tmp'),
        doc(
          names.filter((n) => n !== 'd'),
          (n) => (n === 'b' ? 81 : 80),
        ),
      );
      renameSync(join(dir, 'next.tmp'), path);
      for (let i = 0; i < 100 && changes().length < 3; i++) await sleep(50);
      assert.deepEqual(changes().slice(1), [
        { op: 'upsert', ids: ['/b'] },
        { op: 'remove', ids: ['/d'] },
      ]);
    } finally {
      await adapter.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a bad write makes it stale; the last good bytes written back make it fresh with nothing re-sent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'irb-file-adapter-'));
    const path = join(dir, 'services.yaml');
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    const write = (text: string): void => {
      writeFileSync(join(dir, 'next.tmp'), text);
      renameSync(join(dir, 'next.tmp'), path);
    };
    const settle = async (n: number): Promise<void> => {
      for (let i = 0; i < 100 && calls.length < n; i++) await sleep(50);
      await sleep(200);
    };
    writeFileSync(path, doc(names));
    const { sink, calls } = recordingSink();
    const adapter = new FileAdapter('f', path, 100);
    try {
      await adapter.start({ sink, logger: silentLogger });
      write(doc(names).replace('  - name: c', '  - name: [c'));
      await settle(3);
      write(doc(names));
      await settle(4);
      write(doc(names)); // the very same bytes again
      await sleep(400);
      assert.deepEqual(
        calls.map((c) => c.op),
        ['replaceAll', 'fresh', 'stale', 'fresh'],
      );
    } finally {
      await adapter.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

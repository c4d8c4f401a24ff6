import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { adapterCatalog } from '../../src/adapters/catalog/catalog.js';
import { Bridge } from '../../src/bridge.js';
import { parseConfig } from '../../src/config/load.js';

export const silentLogger = pino({ level: 'silent' });

export interface TestBridge {
  bridge: Bridge;
  dir: string;
  servicesFile: string;
  xds: string;
  admin: string;
  writeServices(doc: unknown): void;
  stop(): Promise<void>;
}

/** Starts an in-process bridge on loopback (free ports) with one file registry. */
export async function startFileBridge(
  services: unknown,
  extra: { mode?: 'serviceentry' | 'workloadentry'; debounce?: number; maxDelay?: number } = {},
): Promise<TestBridge> {
  const dir = mkdtempSync(join(tmpdir(), 'irb-test-'));
  const servicesFile = join(dir, 'services.yaml');
  const writeServices = (doc: unknown): void => writeFileSync(servicesFile, stringify(doc));
  writeServices(services);
  const config = parseConfig(
    {
      xds: { address: '127.0.0.1:0', debounce: extra.debounce ?? 0, maxDelay: extra.maxDelay ?? 1000 },
      admin: { address: '127.0.0.1:0' },
      output: { mode: extra.mode ?? 'serviceentry' },
      registries: [{ name: 'files', type: 'file', path: servicesFile, pollInterval: '100ms' }],
    },
    adapterCatalog,
    dir,
  );
  const bridge = new Bridge(config, silentLogger);
  await bridge.serve();
  await bridge.waitSynced(5000);
  return {
    bridge,
    dir,
    servicesFile,
    xds: `127.0.0.1:${bridge.xdsPort}`,
    admin: `http://127.0.0.1:${bridge.adminPort}`,
    writeServices,
    stop: () => bridge.stop(),
  };
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 5000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

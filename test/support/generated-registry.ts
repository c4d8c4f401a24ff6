import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from './ports.js';

export interface GeneratedRegistry {
  readonly dir: string;
  readonly configPath: string;
  /** host:port that `serve` with this config listens on for xDS. */
  readonly xds: string;
  /** host:port of its admin server. */
  readonly admin: string;
}

/**
 * A temp folder with a file registry of `count` services (one instance each,
 * as JSON, which the file adapter parses fast) and a config serving it on
 * free loopback ports.
 */
export async function writeGeneratedRegistry(count: number): Promise<GeneratedRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'irb-gen-'));
  const services = Array.from({ length: count }, (_, i) => ({
    name: `svc-${i}`,
    namespace: 'load',
    protocol: 'http',
    instances: [{ address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, port: 8080 }],
  }));
  writeFileSync(join(dir, 'services.json'), JSON.stringify({ services }));
  const xds = `127.0.0.1:${await freePort()}`;
  const admin = `127.0.0.1:${await freePort()}`;
  const configPath = join(dir, 'config.yaml');
  writeFileSync(
    configPath,
    stringify({
      xds: { address: xds, debounce: '20ms' },
      admin: { address: admin },
      registries: [{ name: 'generated', type: 'file', path: 'services.json' }],
    }),
  );
  return { dir, configPath, xds, admin };
}

/** The CLI pointed at one registry: its config file, and the endpoints a `watch --once` shows. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runCli } from './cli.js';
import { freePort } from './ports.js';

/** A ServiceEntry as `dump` and `watch` print it with `--output json`. */
export interface ServiceEntryManifest {
  kind: string;
  metadata: { name: string; namespace: string; annotations: Record<string, string> };
  spec: {
    hosts: string[];
    ports: { number: number; protocol: string; name: string }[];
    endpoints: {
      address: string;
      ports: Record<string, number>;
      labels?: Record<string, string>;
      locality?: string;
    }[];
  };
}

export interface CliConfig {
  /** The fresh folder holding the config. */
  readonly dir: string;
  readonly configPath: string;
  /** The xDS address `serve` listens on. */
  readonly xds: string;
}

/**
 * Writes `config.yaml` in a fresh folder `<tmpPrefix>XXXXXX`: xDS (debounce
 * 10 ms) and admin on free loopback ports, and the one `registry` given.
 */
export async function writeCliConfig(
  tmpPrefix: string,
  registry: Record<string, unknown>,
): Promise<CliConfig> {
  const dir = mkdtempSync(join(tmpdir(), tmpPrefix));
  const configPath = join(dir, 'config.yaml');
  const xds = `127.0.0.1:${await freePort()}`;
  writeFileSync(
    configPath,
    stringify({
      xds: { address: xds, debounce: '10ms' },
      admin: { address: `127.0.0.1:${await freePort()}` },
      registries: [registry],
    }),
  );
  return { dir, configPath, xds };
}

/** The endpoint addresses of ServiceEntry `name` in one `watch --once` on `xds`; undefined when watch failed. */
export async function watchedEndpoints(xds: string, name: string): Promise<string[] | undefined> {
  const r = await runCli(['watch', '--once', '--server', xds, '--output', 'json', '--timeout', '5s']);
  if (r.code !== 0) return undefined;
  const manifests = JSON.parse(r.stdout) as ServiceEntryManifest[];
  return manifests.find((m) => m.metadata.name === name)?.spec.endpoints.map((e) => e.address);
}

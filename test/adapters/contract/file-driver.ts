import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContractDriver, RegistryUnderTest, ServiceSpec } from './driver.js';

/** How the file registry breaks down: garbage content, or the file gone. */
export type FileOutage = 'garbage' | 'missing';

/** The file adapter's registry: a YAML (here JSON) file, written atomically. */
export function fileDriver(outage: FileOutage): ContractDriver {
  return {
    type: 'file',
    serviceId: (name) => `/${name}`,
    outageHoldMs: 600,
    quietMs: 500,
    convergeMs: 5_000,
    start(): Promise<RegistryUnderTest> {
      const dir = mkdtempSync(join(tmpdir(), 'irb-contract-file-'));
      const path = join(dir, 'registry.yaml');
      const services = new Map<string, ServiceSpec>();
      let writes = 0;
      const write = (text: string): void => {
        const tmp = join(dir, `.registry.${writes++}.tmp`);
        writeFileSync(tmp, text);
        renameSync(tmp, path);
      };
      const save = (): void => write(JSON.stringify({ services: [...services.values()] }, null, 2));
      save();
      return Promise.resolve({
        settings: { path: 'registry.yaml', pollInterval: '100ms' },
        configDir: dir,
        put: (s) => {
          services.set(s.name, s);
          return Promise.resolve(save());
        },
        remove: (name) => {
          services.delete(name);
          return Promise.resolve(save());
        },
        breakDown: () => {
          if (outage === 'garbage') write('services: [ {name: "half written", instances: [');
          else rmSync(path);
          return Promise.resolve();
        },
        recover: () => Promise.resolve(save()),
        close: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
      });
    },
  };
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DubboZk, providerUrl } from '../../support/dubbo-zk.js';
import { ZooKeeperServer, type ZooKeeperInstall } from '../../support/zookeeper.js';
import type { ContractDriver, RegistryUnderTest } from './driver.js';

/**
 * A real ZooKeeper 3.8 server; each service is a Dubbo interface whose
 * instances are provider URLs under `/dubbo/<name>/providers`, written as
 * Dubbo writes them but persistent (Dubbo's `dynamic=false`), so they outlive
 * the writer's session across the outage. Outage = the server frozen
 * (SIGSTOP: it keeps its sockets but answers nothing, the hardest case to
 * notice); recovery = thawed.
 */
export function zookeeperDriver(install: ZooKeeperInstall): ContractDriver {
  return {
    type: 'zookeeper',
    serviceId: (name) => `interface/${name}`,
    outageHoldMs: 1_500, // five grace periods
    quietMs: 1_000,
    convergeMs: 15_000,
    async start(): Promise<RegistryUnderTest> {
      const zk = await ZooKeeperServer.start(install);
      // The longest session a tickTime of 500 allows, so the writer outlives the outages.
      const writer = await DubboZk.connect(zk.address, { sessionMs: 10_000 });
      const configDir = mkdtempSync(join(tmpdir(), 'irb-contract-zk-'));
      const urls = new Map<string, string[]>();
      return {
        settings: {
          address: zk.address,
          mode: 'interface',
          sessionTimeout: '2s',
          emptyGracePeriod: '300ms',
          backoff: { initial: 50, max: '500ms' },
        },
        configDir,
        async put(s) {
          const next = s.instances.map((i) =>
            providerUrl({ host: i.address, port: i.port, iface: s.name, params: { dynamic: 'false' } }),
          );
          const before = urls.get(s.name) ?? [];
          // New providers first, then the old ones go: the interface is never empty on the way.
          for (const url of next)
            if (!before.includes(url)) await writer.registerProvider(s.name, url, { ephemeral: false });
          for (const url of before) if (!next.includes(url)) await writer.unregisterProvider(s.name, url);
          urls.set(s.name, next);
        },
        async remove(name) {
          await writer.remove(`/dubbo/${name}`);
          urls.delete(name);
        },
        breakDown: () => Promise.resolve(zk.freeze()),
        recover: () => Promise.resolve(zk.thaw()),
        async close() {
          await writer.close();
          await zk.stop();
          rmSync(configDir, { recursive: true, force: true });
        },
      };
    },
  };
}

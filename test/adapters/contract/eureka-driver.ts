import { tmpdir } from 'node:os';
import { EurekaServer, type EurekaFixture } from '../../support/eureka.js';
import type { ContractDriver, RegistryUnderTest } from './driver.js';
import { InstanceIds } from './instance-ids.js';

/**
 * A real Eureka server (the Spring Boot fixture); each instance is
 * registered as `<name>-<n>` in app `<name>` (Eureka files it as upper
 * case). Outage = the server frozen (SIGSTOP: connections hang, nothing
 * answers); recovery = thawed, with its registry intact.
 */
export function eurekaDriver(fixture: EurekaFixture): ContractDriver {
  return {
    type: 'eureka',
    serviceId: (name) => name.toUpperCase(),
    outageHoldMs: 1_500, // five grace periods
    quietMs: 1_000,
    convergeMs: 20_000,
    async start(): Promise<RegistryUnderTest> {
      const server = await EurekaServer.start(fixture);
      const instanceIds = new InstanceIds((app, id) => server.deregister(app, id));
      return {
        settings: {
          address: server.address,
          refreshInterval: '200ms',
          emptyGracePeriod: '300ms',
          backoff: { initial: 100, max: '500ms' },
        },
        configDir: tmpdir(),
        async put(s) {
          const ids = InstanceIds.of(s.name, s.instances);
          for (const [i, inst] of s.instances.entries()) {
            await server.register({ app: s.name, id: ids[i]!, ip: inst.address, port: inst.port });
          }
          await instanceIds.replace(s.name, ids);
        },
        remove: (name) => instanceIds.removeAll(name),
        breakDown: () => Promise.resolve(server.freeze()),
        recover: () => Promise.resolve(server.thaw()),
        close: () => server.stop(),
      };
    },
  };
}

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
        put: (s) =>
          instanceIds.put(s.name, s.instances, (id, inst) =>
            server.register({ app: s.name, id, ip: inst.address, port: inst.port }),
          ),
        remove: (name) => instanceIds.removeAll(name),
        breakDown: () => Promise.resolve(server.freeze()),
        recover: () => Promise.resolve(server.thaw()),
        close: () => server.stop(),
      };
    },
  };
}

import { tmpdir } from 'node:os';
import { ConsulAgent } from '../../support/consul.js';
import type { ContractDriver, RegistryUnderTest } from './driver.js';
import { InstanceIds } from './instance-ids.js';

/**
 * A real Consul agent that keeps its state on disk (so a restart brings the
 * catalog back); each instance is an agent service `<name>-<n>` with no
 * checks (passing). Outage = the agent killed; recovery = restarted.
 */
export function consulDriver(bin: string): ContractDriver {
  return {
    type: 'consul',
    serviceId: (name) => `dc1/${name}`,
    outageHoldMs: 1_500, // five grace periods
    quietMs: 1_000,
    convergeMs: 20_000,
    async start(): Promise<RegistryUnderTest> {
      const agent = await ConsulAgent.start(bin, { persistent: true });
      const instanceIds = new InstanceIds((_, id) => agent.deregisterService(id));
      return {
        settings: {
          address: agent.address,
          wait: '2s',
          emptyGracePeriod: '300ms',
          backoff: { initial: 100, max: '500ms' },
        },
        configDir: tmpdir(),
        put: (s) =>
          instanceIds.put(s.name, s.instances, (id, inst) =>
            agent.registerService({ ID: id, Name: s.name, Address: inst.address, Port: inst.port }),
          ),
        remove: (name) => instanceIds.removeAll(name),
        breakDown: () => agent.kill(),
        recover: () => agent.restart(),
        close: () => agent.stop(),
      };
    },
  };
}

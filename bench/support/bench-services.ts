/** Deterministic registry services for the peer bench: service i with 10 instances (the core bench's shape). */
import type { RegistryService } from '../../src/model/registry.js';

export function benchService(i: number, bump = 0): RegistryService {
  return {
    id: `/svc-${i}`,
    name: `svc-${i}`,
    protocol: 'http',
    instances: Array.from({ length: 10 }, (_, j) => ({
      address: `10.${(i >> 8) & 255}.${i & 255}.${j + 1 + (j === 0 ? bump % 200 : 0)}`,
      port: 8080,
      labels: { version: `v${j % 3}`, zone: `z${j % 2}` },
      healthy: true,
      locality: `region-1/zone-${j % 2}`,
    })),
  };
}

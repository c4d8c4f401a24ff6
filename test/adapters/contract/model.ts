import type { RegistryService } from '../../../src/model/registry.js';
import type { ServiceSpec } from './driver.js';

/** What the registry holds, as the suite wrote it: the state every adapter must converge to. */
export class RegistryModel {
  private readonly services = new Map<string, ServiceSpec>();

  constructor(private readonly idOf: (name: string) => string) {}

  put(s: ServiceSpec): void {
    this.services.set(s.name, s);
  }

  remove(name: string): void {
    this.services.delete(name);
  }

  ids(): string[] {
    return [...this.services.keys()].map(this.idOf).sort();
  }

  /**
   * Differences between what a sink holds and this model, one line each
   * (empty when they agree): missing or extra service ids, and services
   * whose instances (address:port, all healthy) differ.
   */
  differences(held: ReadonlyMap<string, RegistryService>): string[] {
    const out: string[] = [];
    const expected = new Map([...this.services.values()].map((s) => [this.idOf(s.name), s]));
    for (const [id, spec] of expected) {
      const got = held.get(id);
      if (got === undefined) {
        out.push(`missing ${id}`);
        continue;
      }
      const want = spec.instances.map((i) => `${i.address}:${i.port} healthy`).sort();
      const have = got.instances.map((i) => `${i.address}:${i.port}${i.healthy ? ' healthy' : ''}`).sort();
      if (JSON.stringify(want) !== JSON.stringify(have)) {
        out.push(`${id}: want [${want.join(', ')}], have [${have.join(', ')}]`);
      }
    }
    for (const id of held.keys()) if (!expected.has(id)) out.push(`unexpected ${id}`);
    return out;
  }
}

/**
 * The instance ids a contract driver registered for each service, so that a
 * new version of a service drops the instances it no longer lists.
 */
export class InstanceIds {
  private readonly byService = new Map<string, string[]>();

  /** `deregister` removes one instance of one service from the registry. */
  constructor(private readonly deregister: (service: string, id: string) => Promise<void>) {}

  /** `<service>-<n>` for each of the service's instances. */
  static of(service: string, instances: readonly unknown[]): string[] {
    return instances.map((_, i) => `${service}-${i}`);
  }

  /** Deregisters the service's earlier instances not in `ids` (registered already), then records `ids`. */
  async replace(service: string, ids: readonly string[]): Promise<void> {
    for (const id of this.byService.get(service) ?? [])
      if (!ids.includes(id)) await this.deregister(service, id);
    this.byService.set(service, [...ids]);
  }

  /** Deregisters every instance of the service. */
  async removeAll(service: string): Promise<void> {
    for (const id of this.byService.get(service) ?? []) await this.deregister(service, id);
    this.byService.delete(service);
  }
}

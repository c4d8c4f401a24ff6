/**
 * The instance ids a contract driver registered for each service, so that a
 * new version of a service drops the instances it no longer lists.
 */
export class InstanceIds {
  private readonly byService = new Map<string, string[]>();

  /** `deregister` removes one instance of one service from the registry. */
  constructor(private readonly deregister: (service: string, id: string) => Promise<void>) {}

  /**
   * Registers each instance as `<service>-<n>` with `register`, then
   * deregisters the service's earlier instances no longer listed.
   */
  async put<I>(
    service: string,
    instances: readonly I[],
    register: (id: string, instance: I) => Promise<void>,
  ): Promise<void> {
    const ids = instances.map((_, i) => `${service}-${i}`);
    for (const [i, instance] of instances.entries()) await register(ids[i]!, instance);
    for (const id of this.byService.get(service) ?? [])
      if (!ids.includes(id)) await this.deregister(service, id);
    this.byService.set(service, ids);
  }

  /** Deregisters every instance of the service. */
  async removeAll(service: string): Promise<void> {
    for (const id of this.byService.get(service) ?? []) await this.deregister(service, id);
    this.byService.delete(service);
  }
}

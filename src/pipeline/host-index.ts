/**
 * Which registries produce each ServiceEntry host (counted per service), so
 * a host served by two registries is seen the moment it appears. Keys are
 * registry data, so everything is in Maps.
 */
export class HostIndex {
  /** host -> registry name -> number of that registry's services producing it. */
  private readonly byHost = new Map<string, Map<string, number>>();
  private conflicted = 0;

  /** Hosts produced by more than one registry. */
  get conflicts(): number {
    return this.conflicted;
  }

  /** Adds one service's host; returns the registries producing it when this made it a conflict. */
  add(host: string, registry: string): readonly string[] | undefined {
    let regs = this.byHost.get(host);
    if (!regs) {
      regs = new Map();
      this.byHost.set(host, regs);
    }
    const n = regs.get(registry) ?? 0;
    regs.set(registry, n + 1);
    if (n > 0 || regs.size !== 2) return undefined;
    this.conflicted++;
    return [...regs.keys()];
  }

  remove(host: string, registry: string): void {
    const regs = this.byHost.get(host);
    const n = regs?.get(registry);
    if (!regs || n === undefined) return;
    if (n > 1) {
      regs.set(registry, n - 1);
      return;
    }
    regs.delete(registry);
    if (regs.size === 1) this.conflicted--;
    if (regs.size === 0) this.byHost.delete(host);
  }

  /** Conflicted hosts with their registries (sorted), at most `limit` of them, for /debug. */
  list(limit = 500): { host: string; registries: string[] }[] {
    const out: { host: string; registries: string[] }[] = [];
    for (const [host, regs] of this.byHost) {
      if (out.length >= limit) break;
      if (regs.size > 1) out.push({ host, registries: [...regs.keys()].sort() });
    }
    return out.sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
  }
}

/**
 * Dubbo 3's interface → application mapping: persistent
 * `<root>/mapping/<interface>` nodes whose data is `app1,app2`. Watches the
 * list and each node's data; tells the application watcher which
 * applications' interfaces changed.
 */
import type { Watcher } from './client.js';
import { allSettled, inSlot, readFresh, type TreeContext } from './tree.js';

/** Most interfaces kept from the mapping folder, and most applications per interface. */
export const MAX_MAPPINGS = 100_000;
export const MAX_APPS_PER_INTERFACE = 1_000;

interface MappingState {
  readonly watcher: Watcher;
  apps: ReadonlySet<string>;
}

export class MappingWatcher {
  private readonly mappings = new Map<string, MappingState>();
  /** Application → interfaces mapped to it. */
  private readonly byApp = new Map<string, Set<string>>();
  private readonly listWatcher: Watcher = () => this.ctx.refresh(this.listKey, () => this.readList(true));
  private readonly listKey: string;
  private readonly folder: string;

  constructor(
    private readonly ctx: TreeContext,
    root: string,
    /** Called with the applications whose interface list changed. */
    private readonly onChange: (apps: ReadonlySet<string>) => void,
  ) {
    this.folder = `${root}/mapping`;
    this.listKey = `mapping-list:${this.folder}`;
  }

  /** Interfaces mapped to `app`, sorted. */
  interfacesOf(app: string): string[] {
    return [...(this.byApp.get(app) ?? [])].sort();
  }

  async resync(): Promise<void> {
    await readFresh(this.ctx, this.listKey, () => this.readList(false));
    await allSettled([...this.mappings.keys()], this.ctx.slots.size, (iface) =>
      readFresh(this.ctx, this.key(iface), () => this.readMapping(iface)),
    );
  }

  private key(iface: string): string {
    return `mapping:${iface}`;
  }

  private async readList(readNew: boolean): Promise<void> {
    const children =
      (await inSlot(this.ctx, () => this.ctx.conn.getChildren(this.folder, this.listWatcher))) ?? [];
    const listed = new Set(children.slice(0, MAX_MAPPINGS));
    for (const iface of listed) {
      if (this.mappings.has(iface)) continue;
      this.mappings.set(iface, {
        watcher: () => this.ctx.refresh(this.key(iface), () => this.readMapping(iface)),
        apps: new Set(),
      });
      if (readNew) this.ctx.refresh(this.key(iface), () => this.readMapping(iface));
    }
    const changed = new Set<string>();
    for (const [iface, state] of [...this.mappings]) {
      if (listed.has(iface)) continue;
      this.mappings.delete(iface);
      this.setApps(iface, state, new Set(), changed);
    }
    if (changed.size > 0) this.onChange(changed);
  }

  private async readMapping(iface: string): Promise<void> {
    const state = this.mappings.get(iface);
    if (state === undefined) return;
    const data = await inSlot(this.ctx, () =>
      this.ctx.conn.getData(`${this.folder}/${iface}`, state.watcher),
    );
    if (this.mappings.get(iface) !== state || this.ctx.signal.aborted) return;
    const apps = new Set(
      (data?.toString('utf8') ?? '')
        .split(',')
        .map((a) => a.trim())
        .filter((a) => a !== '')
        .slice(0, MAX_APPS_PER_INTERFACE),
    );
    const changed = new Set<string>();
    this.setApps(iface, state, apps, changed);
    if (changed.size > 0) this.onChange(changed);
  }

  private setApps(iface: string, state: MappingState, apps: ReadonlySet<string>, changed: Set<string>): void {
    for (const app of state.apps) {
      if (apps.has(app)) continue;
      changed.add(app);
      const set = this.byApp.get(app);
      set?.delete(iface);
      if (set?.size === 0) this.byApp.delete(app);
    }
    for (const app of apps) {
      if (state.apps.has(app)) continue;
      changed.add(app);
      const set = this.byApp.get(app) ?? new Set<string>();
      set.add(iface);
      this.byApp.set(app, set);
    }
    state.apps = apps;
  }
}

/**
 * Interface level (Dubbo 2.7; Dubbo 3 in interface or all mode): watches the
 * children of `<root>` (interfaces) and of `<root>/<interface>/providers`
 * (one URL-encoded provider URL per child). Every watch is one-shot and is
 * re-armed by the read it triggers.
 */
import type { RegistryService } from '../../model/registry.js';
import type { Watcher } from './client.js';
import { parseProviderNode, type DubboUrl, type UrlResult } from './dubbo-url.js';
import { interfaceServices, withoutInstances } from './to-service.js';
import { RESERVED_ROOT_CHILDREN, allSettled, clip, inSlot, readFresh, type TreeContext } from './tree.js';

/** Most providers read for one interface; the rest are reported and skipped. */
export const MAX_PROVIDERS_PER_INTERFACE = 10_000;
/** Most interfaces watched under one root. */
export const MAX_INTERFACES = 100_000;

interface IfaceState {
  readonly watcher: Watcher;
  /** Child name → parse result, so an unchanged child is not parsed again. */
  children: Map<string, UrlResult>;
  /** Service id → the last form sent (several ids when hostTemplate splits by group or version). */
  readonly emitted: Map<string, RegistryService>;
  /** Problems already reported for the current children. */
  reported: Set<string>;
}

export class InterfaceWatcher {
  private readonly ifaces = new Map<string, IfaceState>();
  private readonly rootWatcher: Watcher = () => this.ctx.refresh(this.rootKey, () => this.readRoot(true));
  private readonly rootKey: string;

  constructor(
    private readonly ctx: TreeContext,
    private readonly root: string,
  ) {
    this.rootKey = `root:${root}`;
  }

  get watched(): number {
    return this.ifaces.size;
  }

  /** Re-reads the interface list and every interface's providers, re-arming all watches. */
  async resync(): Promise<void> {
    await readFresh(this.ctx, this.rootKey, () => this.readRoot(false));
    await allSettled([...this.ifaces.keys()], this.ctx.slots.size, (iface) =>
      readFresh(this.ctx, this.key(iface), () => this.readProviders(iface)),
    );
  }

  private key(iface: string): string {
    return `providers:${iface}`;
  }

  private async readRoot(readNew: boolean): Promise<void> {
    const children =
      (await inSlot(this.ctx, () => this.ctx.conn.getChildren(this.root, this.rootWatcher))) ?? [];
    const selected = new Set<string>();
    for (const name of children) {
      if (RESERVED_ROOT_CHILDREN.has(name) || !this.ctx.filter.matches(name)) continue;
      if (selected.size >= MAX_INTERFACES) {
        this.ctx.sink.reportBadInput(
          `zookeeper root ${this.root}`,
          `more than ${MAX_INTERFACES} interfaces; the rest are not watched`,
        );
        break;
      }
      selected.add(name);
    }
    for (const iface of selected) {
      if (this.ifaces.has(iface)) continue;
      const state: IfaceState = {
        watcher: () => this.ctx.refresh(this.key(iface), () => this.readProviders(iface)),
        children: new Map(),
        emitted: new Map(),
        reported: new Set(),
      };
      this.ifaces.set(iface, state);
      if (readNew) this.ctx.refresh(this.key(iface), () => this.readProviders(iface));
    }
    for (const iface of [...this.ifaces.keys()]) if (!selected.has(iface)) this.drop(iface);
  }

  private async readProviders(iface: string): Promise<void> {
    const state = this.ifaces.get(iface);
    if (state === undefined) return;
    const path = `${this.root}/${iface}/providers`;
    const children = (await inSlot(this.ctx, () => this.ctx.conn.getChildren(path, state.watcher))) ?? [];
    if (this.ifaces.get(iface) !== state || this.ctx.signal.aborted) return;
    const what = `zookeeper interface ${iface}`;
    const next = new Map<string, UrlResult>();
    const problems = new Set<string>();
    for (const child of children) {
      if (next.size >= MAX_PROVIDERS_PER_INTERFACE) {
        problems.add(`more than ${MAX_PROVIDERS_PER_INTERFACE} providers; the rest are skipped`);
        break;
      }
      next.set(child, state.children.get(child) ?? parseProviderNode(child));
    }
    state.children = next;
    const urls: DubboUrl[] = [];
    for (const [child, result] of next) {
      if ('url' in result) {
        if (result.url.protocol !== 'empty') urls.push(result.url);
        continue;
      }
      problems.add(`provider ${clip(child)} skipped: ${result.error}`);
    }
    for (const detail of problems)
      if (!state.reported.has(detail)) this.ctx.sink.reportBadInput(what, detail);
    state.reported = problems;
    this.emit(state, iface, urls);
  }

  private emit(state: IfaceState, iface: string, urls: readonly DubboUrl[]): void {
    const services = interfaceServices(iface, urls, this.ctx.mapping);
    for (const [id, e] of services) {
      this.ctx.emitter.update(e.service, e.healthyCount);
      state.emitted.set(id, e.service);
    }
    for (const [id, last] of [...state.emitted]) {
      if (services.has(id)) continue;
      this.ctx.emitter.vanish(withoutInstances(last));
      state.emitted.delete(id);
    }
  }

  private drop(iface: string): void {
    const state = this.ifaces.get(iface);
    if (state === undefined) return;
    this.ifaces.delete(iface);
    for (const last of state.emitted.values()) this.ctx.emitter.vanish(withoutInstances(last));
  }
}

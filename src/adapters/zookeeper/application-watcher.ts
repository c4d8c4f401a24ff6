/**
 * Application level (Dubbo 3 in instance or all mode): watches the children
 * of `<servicesRoot>` (applications), of `<servicesRoot>/<app>` (instance
 * ids) and the data of every instance (Curator x-discovery JSON). A
 * `<servicesRoot>/<app>` node that vanishes (a container node emptied of its
 * last instance) is watched with exists() and read again when it comes back.
 */
import type { RegistryService } from '../../model/registry.js';
import type { Watcher } from './client.js';
import { parseCuratorInstance, type CuratorInstance, type InstanceResult } from './curator-json.js';
import { applicationService, withoutInstances } from './to-service.js';
import { allSettled, clip, inSlot, readFresh, type TreeContext } from './tree.js';

/** Most applications watched, and most instances read per application. */
export const MAX_APPLICATIONS = 100_000;
export const MAX_INSTANCES_PER_APPLICATION = 10_000;

interface InstanceState {
  readonly watcher: Watcher;
  result: InstanceResult | undefined;
}

interface AppState {
  readonly watcher: Watcher;
  readonly instances: Map<string, InstanceState>;
  reported: Set<string>;
  emitted: RegistryService | undefined;
}

export class ApplicationWatcher {
  private readonly apps = new Map<string, AppState>();
  /** Every application listed under servicesRoot (selected or not), to re-select on mapping changes. */
  private listed: ReadonlySet<string> = new Set();
  private readonly rootWatcher: Watcher = () => this.ctx.refresh(this.rootKey, () => this.readRoot(true));
  private readonly rootKey: string;

  constructor(
    private readonly ctx: TreeContext,
    private readonly servicesRoot: string,
    /** Interfaces mapped to an application (empty when mappings are not read). */
    private readonly interfacesOf: (app: string) => readonly string[],
  ) {
    this.rootKey = `services:${servicesRoot}`;
  }

  get watched(): number {
    return this.apps.size;
  }

  async resync(): Promise<void> {
    await readFresh(this.ctx, this.rootKey, () => this.readRoot(false));
    await allSettled([...this.apps.keys()], this.ctx.slots.size, (app) =>
      readFresh(this.ctx, this.key(app), () => this.readApp(app, true)),
    );
  }

  /** The interfaces of these applications changed: re-select them and update their annotations. */
  mappingChanged(apps: ReadonlySet<string>): void {
    this.select(true);
    for (const app of apps) {
      const state = this.apps.get(app);
      if (state?.emitted !== undefined) this.emit(app, state);
    }
  }

  private key(app: string): string {
    return `app:${app}`;
  }

  private instanceKey(app: string, id: string): string {
    return `instance:${app}/${id}`;
  }

  private selected(app: string): boolean {
    return this.ctx.filter.matches(app) || this.interfacesOf(app).some((i) => this.ctx.filter.matches(i));
  }

  private async readRoot(readNew: boolean): Promise<void> {
    const children =
      (await inSlot(this.ctx, () => this.ctx.conn.getChildren(this.servicesRoot, this.rootWatcher))) ?? [];
    if (children.length > MAX_APPLICATIONS) {
      this.ctx.sink.reportBadInput(
        `zookeeper ${this.servicesRoot}`,
        `more than ${MAX_APPLICATIONS} applications; the rest are not watched`,
      );
    }
    this.listed = new Set(children.slice(0, MAX_APPLICATIONS));
    this.select(readNew);
  }

  private select(readNew: boolean): void {
    for (const app of this.listed) {
      if (this.apps.has(app) || !this.selected(app)) continue;
      this.apps.set(app, {
        watcher: () => this.ctx.refresh(this.key(app), () => this.readApp(app, false)),
        instances: new Map(),
        reported: new Set(),
        emitted: undefined,
      });
      if (readNew) this.ctx.refresh(this.key(app), () => this.readApp(app, false));
    }
    for (const [app, state] of [...this.apps]) {
      if (this.listed.has(app) && this.selected(app)) continue;
      this.apps.delete(app);
      if (state.emitted !== undefined) this.ctx.emitter.vanish(withoutInstances(state.emitted));
    }
  }

  /** Lists the instances; reads the data of new ones (of all with `rereadAll`, as in a resync). */
  private async readApp(app: string, rereadAll: boolean): Promise<void> {
    const state = this.apps.get(app);
    if (state === undefined) return;
    const ids =
      (await inSlot(this.ctx, () =>
        this.ctx.conn.getChildren(`${this.servicesRoot}/${app}`, state.watcher),
      )) ?? [];
    if (this.apps.get(app) !== state || this.ctx.signal.aborted) return;
    const kept = new Set(ids.slice(0, MAX_INSTANCES_PER_APPLICATION));
    for (const id of [...state.instances.keys()]) if (!kept.has(id)) state.instances.delete(id);
    const toRead: string[] = [];
    for (const id of kept) {
      if (!state.instances.has(id)) {
        state.instances.set(id, {
          watcher: () => this.ctx.refresh(this.instanceKey(app, id), () => this.readInstance(app, id)),
          result: undefined,
        });
        toRead.push(id);
      } else if (rereadAll) {
        toRead.push(id);
      }
    }
    await allSettled(toRead, this.ctx.slots.size, (id) =>
      readFresh(this.ctx, this.instanceKey(app, id), () => this.readInstance(app, id, false)),
    );
    if (this.apps.get(app) !== state || this.ctx.signal.aborted) return;
    const problems = new Set<string>();
    if (ids.length > MAX_INSTANCES_PER_APPLICATION) {
      problems.add(`more than ${MAX_INSTANCES_PER_APPLICATION} instances; the rest are skipped`);
    }
    this.emit(app, state, problems);
  }

  private async readInstance(app: string, id: string, emit = true): Promise<void> {
    const state = this.apps.get(app);
    const inst = state?.instances.get(id);
    if (state === undefined || inst === undefined) return;
    const data = await inSlot(this.ctx, () =>
      this.ctx.conn.getData(`${this.servicesRoot}/${app}/${id}`, inst.watcher),
    );
    if (this.apps.get(app) !== state || state.instances.get(id) !== inst || this.ctx.signal.aborted) return;
    if (data === undefined) state.instances.delete(id);
    else inst.result = parseCuratorInstance(data);
    if (emit) this.emit(app, state);
  }

  private emit(app: string, state: AppState, extraProblems: ReadonlySet<string> = new Set()): void {
    const what = `zookeeper application ${app}`;
    const problems = new Set(extraProblems);
    const valid: CuratorInstance[] = [];
    for (const [id, inst] of state.instances) {
      const r = inst.result;
      if (r === undefined) continue;
      if ('error' in r) {
        problems.add(`instance ${clip(id)} skipped: ${r.error}`);
        continue;
      }
      for (const w of r.warnings) problems.add(`instance ${clip(id)}: ${w}`);
      valid.push(r.instance);
    }
    for (const detail of problems)
      if (!state.reported.has(detail)) this.ctx.sink.reportBadInput(what, detail);
    state.reported = problems;
    if (valid.length === 0) {
      if (state.emitted !== undefined) this.ctx.emitter.vanish(withoutInstances(state.emitted));
      state.emitted = undefined;
      return;
    }
    const e = applicationService(app, valid, this.interfacesOf(app), this.ctx.mapping);
    this.ctx.emitter.update(e.service, e.healthyCount);
    state.emitted = e.service;
  }
}

/**
 * The bridge's copy of a Eureka registry: filled by a full fetch, kept up to
 * date by deltas applied by instanceId, and checked against the server's
 * `apps__hashcode`. Every instance is counted (the hashcode covers the whole
 * registry), but only the apps the bridge serves keep their details.
 */
import { compareStrings } from '../../util/compare.js';
import { appsHashcode } from './hashcode.js';
import type { EurekaInstance } from './wire.js';

interface Held {
  readonly status: string;
  /** Undefined for apps that are not served: only the status is needed. */
  readonly instance: EurekaInstance | undefined;
}

export class RegistryMirror {
  private apps = new Map<string, Map<string, Held>>();
  private counts = new Map<string, number>();
  private total = 0;

  /** `keep(app)` says whether an app's instances are kept in full (the app is served). */
  constructor(private readonly keep: (app: string) => boolean) {}

  /** Number of instances held. */
  get size(): number {
    return this.total;
  }

  /** The registry's hashcode as this copy would give it. */
  hashcode(): string {
    return appsHashcode(this.counts);
  }

  /** App keys held. */
  appNames(): string[] {
    return [...this.apps.keys()];
  }

  /** The kept instances of an app, sorted by instanceId (none for an app that is not served or not held). */
  instancesOf(app: string): EurekaInstance[] {
    const held = this.apps.get(app);
    if (held === undefined) return [];
    const out: EurekaInstance[] = [];
    for (const h of held.values()) if (h.instance !== undefined) out.push(h.instance);
    return out.sort((a, b) => compareStrings(a.instanceId, b.instanceId));
  }

  /**
   * Replaces the whole copy with a full fetch (actionType ignored; a later
   * entry for the same app and instanceId wins). Returns the apps held
   * before or after: every one may have changed.
   */
  replace(instances: readonly EurekaInstance[]): Set<string> {
    const touched = new Set(this.apps.keys());
    this.apps = new Map();
    this.counts = new Map();
    this.total = 0;
    for (const i of instances) {
      this.put(i);
      touched.add(i.app);
    }
    return touched;
  }

  /**
   * Applies a delta: DELETED removes the instance, ADDED and MODIFIED add or
   * replace it. Returns the apps it touched.
   */
  apply(delta: readonly EurekaInstance[]): Set<string> {
    const touched = new Set<string>();
    for (const i of delta) {
      touched.add(i.app);
      if (i.actionType === 'DELETED') this.delete(i.app, i.instanceId);
      else this.put(i);
    }
    return touched;
  }

  private put(i: EurekaInstance): void {
    let app = this.apps.get(i.app);
    if (app === undefined) {
      app = new Map();
      this.apps.set(i.app, app);
    }
    const before = app.get(i.instanceId);
    if (before !== undefined) this.count(before.status, -1);
    else this.total++;
    app.set(i.instanceId, { status: i.status, instance: this.keep(i.app) ? i : undefined });
    this.count(i.status, 1);
  }

  private delete(appName: string, instanceId: string): void {
    const app = this.apps.get(appName);
    const before = app?.get(instanceId);
    if (app === undefined || before === undefined) return;
    app.delete(instanceId);
    this.total--;
    this.count(before.status, -1);
    if (app.size === 0) this.apps.delete(appName);
  }

  private count(status: string, by: number): void {
    const n = (this.counts.get(status) ?? 0) + by;
    if (n === 0) this.counts.delete(status);
    else this.counts.set(status, n);
  }
}

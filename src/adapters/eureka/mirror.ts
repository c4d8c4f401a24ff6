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
   * entry for the same app and instanceId wins). Returns the apps that
   * changed: added, gone, or with an instance added, gone or different in
   * anything the copy keeps. A periodic full fetch of a registry that did not
   * change so costs a comparison per instance, and nothing downstream.
   */
  replace(instances: readonly EurekaInstance[]): Set<string> {
    const before = this.apps;
    this.apps = new Map();
    this.counts = new Map();
    this.total = 0;
    for (const i of instances) this.put(i);
    const changed = new Set<string>();
    for (const [name, held] of this.apps) {
      const old = before.get(name);
      if (old === undefined || !sameApp(old, held)) changed.add(name);
    }
    for (const name of before.keys()) if (!this.apps.has(name)) changed.add(name);
    return changed;
  }

  /** Whether the copy holds any instance of `app`. */
  holds(app: string): boolean {
    return this.apps.has(app);
  }

  /**
   * Applies a delta: DELETED removes the instance, ADDED and MODIFIED add or
   * replace it. Returns the apps it changed: an entry that repeats what the
   * copy holds (Eureka keeps every change in the delta for about 3 minutes,
   * so each delta repeats the recent ones) changes nothing.
   */
  apply(delta: readonly EurekaInstance[]): Set<string> {
    const touched = new Set<string>();
    for (const i of delta) {
      const changed = i.actionType === 'DELETED' ? this.delete(i.app, i.instanceId) : this.put(i);
      if (changed) touched.add(i.app);
    }
    return touched;
  }

  /** Adds or replaces an instance; whether that changed what the copy holds. */
  private put(i: EurekaInstance): boolean {
    let app = this.apps.get(i.app);
    if (app === undefined) {
      app = new Map();
      this.apps.set(i.app, app);
    }
    const before = app.get(i.instanceId);
    const held: Held = { status: i.status, instance: this.keep(i.app) ? i : undefined };
    if (before !== undefined) this.count(before.status, -1);
    else this.total++;
    app.set(i.instanceId, held);
    this.count(i.status, 1);
    return before === undefined || !sameHeld(before, held);
  }

  /** Removes an instance; whether the copy held it. */
  private delete(appName: string, instanceId: string): boolean {
    const app = this.apps.get(appName);
    const before = app?.get(instanceId);
    if (app === undefined || before === undefined) return false;
    app.delete(instanceId);
    this.total--;
    this.count(before.status, -1);
    if (app.size === 0) this.apps.delete(appName);
    return true;
  }

  private count(status: string, by: number): void {
    const n = (this.counts.get(status) ?? 0) + by;
    if (n === 0) this.counts.delete(status);
    else this.counts.set(status, n);
  }
}

function sameApp(a: ReadonlyMap<string, Held>, b: ReadonlyMap<string, Held>): boolean {
  if (a.size !== b.size) return false;
  for (const [id, x] of a) {
    const y = b.get(id);
    if (y === undefined || !sameHeld(x, y)) return false;
  }
  return true;
}

/** The same status and, for an app served, the same instance. */
function sameHeld(a: Held, b: Held): boolean {
  return a.status === b.status && sameInstance(a.instance, b.instance);
}

/** Equal in every field but `actionType` (which a full answer does not mean). */
function sameInstance(a: EurekaInstance | undefined, b: EurekaInstance | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    a.app === b.app &&
    a.instanceId === b.instanceId &&
    a.status === b.status &&
    a.overriddenStatus === b.overriddenStatus &&
    a.ipAddr === b.ipAddr &&
    a.hostName === b.hostName &&
    a.port === b.port &&
    a.securePort === b.securePort &&
    a.vipAddress === b.vipAddress &&
    a.availabilityZone === b.availabilityZone &&
    sameMetadata(a.metadata, b.metadata)
  );
}

function sameMetadata(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

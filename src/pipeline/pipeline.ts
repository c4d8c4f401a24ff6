import type { Logger } from 'pino';
import type { RegistrySink } from '../adapters/adapter.js';
import type { RegistryIdentity } from '../adapters/definition.js';
import { convertService } from '../convert/service-entry.js';
import type { ConvertWarning } from '../convert/warnings.js';
import { errorMessage } from '../errors.js';
import type { IstioResource, OutputMode, ResourceKind } from '../model/istio.js';
import { resourceKey } from '../model/istio.js';
import type { RegistryService } from '../model/registry.js';
import type { ResourceStore } from '../store/resource-store.js';
import type { RegistryLabels, Telemetry } from '../telemetry/telemetry.js';
import { registryStatus, type RegistryStatus } from './status.js';
import { Claims } from './claims.js';
import { HostIndex } from './host-index.js';
import { RegistryState, type ServiceState } from './registry-state.js';
import { DeletionGuard, isLive, type MassDeletionSettings } from './deletion-guard.js';

const GUARD_OFF: MassDeletionSettings = { holdFor: 0, fraction: 1, minServices: 1 };
import { compareStrings } from '../util/compare.js';

const hostsOf = (resources: readonly IstioResource[]): string[] => [
  ...new Set(resources.flatMap((r) => (r.kind === 'ServiceEntry' ? r.spec.hosts : []))),
];

const storeKey = (r: IstioResource): string => `${r.kind}|${resourceKey(r)}`;

/**
 * Turns adapter calls into store updates: converts each changed service,
 * resolves name conflicts, and hands only changed resources to the store.
 * The cost of a change is proportional to the services it touches.
 */
export class Pipeline {
  private readonly registries = new Map<string, RegistryState>();
  private readonly owners = new Map<string, { registry: RegistryState; service: ServiceState }>();
  private readonly claims = new Claims();
  private readonly hosts = new HostIndex();
  private sealed = false;
  private nextOrder = 0;

  constructor(
    private readonly store: ResourceStore,
    private readonly mode: OutputMode,
    private readonly telemetry: Telemetry,
    private readonly logger: Logger,
  ) {}

  /**
   * Registers a registry and returns the sink its adapter writes to.
   * `guard` is its mass-deletion guard (off when not given).
   */
  attach(identity: RegistryIdentity, guard: MassDeletionSettings = GUARD_OFF): RegistrySink {
    if (this.registries.has(identity.name)) throw new Error(`registry ${identity.name} is attached twice`);
    const state = new RegistryState(identity, this.nextOrder++);
    const labels: RegistryLabels = { registry: identity.name, type: identity.type };
    const log = this.logger.child({ registry: identity.name, type: identity.type });
    state.guard = this.makeGuard(state, guard, labels, log);
    this.registries.set(identity.name, state);
    this.telemetry.registryAttached(labels);
    return this.sinkFor(state, labels, log, undefined);
  }

  /**
   * Gives a registry a new adapter (a reload changed its settings) without
   * dropping what it serves: the services the old adapter sent stay until the
   * new sink reports `synced()`; then those it did not re-send are removed.
   * Calls through the old sink are ignored from now on.
   */
  reattach(name: string, guard: MassDeletionSettings = GUARD_OFF): RegistrySink {
    const state = this.registries.get(name);
    if (!state) throw new Error(`registry ${name} is not attached`);
    state.generation++;
    state.guard.stop();
    const labels: RegistryLabels = { registry: state.identity.name, type: state.identity.type };
    const log = this.logger.child({ registry: state.identity.name, type: state.identity.type });
    state.guard = this.makeGuard(state, guard, labels, log);
    this.updateStale(state, labels, log);
    return this.sinkFor(state, labels, log, new Set(state.services.keys()));
  }

  /** Removes a registry and everything it serves (a reload removed it), bypassing the guard. */
  detach(name: string): void {
    const state = this.registries.get(name);
    if (!state) return;
    state.generation++;
    state.guard.stop();
    const log = this.logger.child({ registry: name, type: state.identity.type });
    this.guard(log, () => this.applyNow(state, [], [...state.services.keys()]));
    this.registries.delete(name);
    this.telemetry.registryDetached({ registry: name, type: state.identity.type });
    this.checkAllSynced();
  }

  /** Stops the guards' timers (held changes are not applied). */
  stop(): void {
    for (const r of this.registries.values()) r.guard.stop();
  }

  /** Names of the attached registries, in config order. */
  registryNames(): string[] {
    return [...this.registries.keys()];
  }

  private sinkFor(
    state: RegistryState,
    labels: RegistryLabels,
    log: Logger,
    unseen: Set<string> | undefined,
  ): RegistrySink {
    const generation = state.generation;
    const current = (): boolean => state.generation === generation;
    const seen = (ids: Iterable<string>): void => {
      if (unseen) for (const id of ids) unseen.delete(id);
    };
    return {
      upsert: (service) => {
        if (!current()) return;
        seen([service.id]);
        this.guard(log, () => this.applyServices(state, [service], []));
      },
      remove: (id) => {
        if (!current()) return;
        seen([id]);
        this.guard(log, () => this.applyServices(state, [], [id]));
      },
      replaceAll: (services) => {
        if (!current()) return;
        if (unseen) unseen.clear();
        this.guard(log, () => {
          const keep = new Set(services.map((s) => s.id));
          const gone = [...state.services.keys()].filter((id) => !keep.has(id));
          this.applyServices(state, services, gone);
        });
      },
      synced: () => {
        if (!current()) return;
        if (unseen && unseen.size > 0) {
          // A reloaded adapter no longer lists these: the config changed, so no guard.
          const gone = [...unseen];
          unseen.clear();
          log.info({ services: gone.length }, 'reloaded registry no longer lists these services; removing');
          this.guard(log, () => this.applyNow(state, [], gone));
        }
        if (state.synced) return;
        state.synced = true;
        state.syncedAt = Date.now();
        this.telemetry.registrySynced(labels);
        log.info({ services: state.services.size }, 'registry synced');
        this.checkAllSynced();
      },
      setStale: (stale, err) => {
        if (!current()) return;
        if (err) {
          state.lastError = errorMessage(err);
          state.lastErrorCode = (err as { code?: string }).code;
          this.telemetry.registryError(labels);
        }
        if (stale === state.adapterStale) return;
        state.adapterStale = stale;
        if (stale) log.warn({ err: state.lastError }, 'registry unreachable; serving its last known state');
        else log.info('registry reachable again');
        this.updateStale(state, labels, log);
      },
      reportBadInput: (what, detail) => {
        if (!current()) return;
        state.badInput++;
        this.telemetry.registryBadInput(labels);
        log.warn({ what, detail }, 'skipped bad registry input');
      },
    };
  }

  private makeGuard(
    state: RegistryState,
    settings: MassDeletionSettings,
    labels: RegistryLabels,
    log: Logger,
  ): DeletionGuard {
    return new DeletionGuard(settings, {
      apply: (upserts, removes) => this.guard(log, () => this.applyNow(state, upserts, removes)),
      changed: (held) => {
        this.telemetry.registryDeletionsHeld(labels, held);
        this.updateStale(state, labels, log);
      },
      holdStarted: (lost, total) => {
        state.holds++;
        this.telemetry.registryMassDeletionHold(labels);
        log.warn(
          { lost, total, holdForMs: settings.holdFor },
          'registry lost most of its services at once; holding the deletions (registry marked stale)',
        );
      },
      holdEnded: (outcome, count) => {
        if (outcome === 'applied')
          log.warn({ services: count }, 'loss persisted; applying the held deletions');
        else log.info('services came back; mass-deletion hold released');
      },
    });
  }

  /** Publishes the registry's stale state (unreachable or holding deletions) when it changed. */
  private updateStale(state: RegistryState, labels: RegistryLabels, log: Logger): void {
    const stale = state.stale;
    if (stale === (state.staleSince !== undefined)) return;
    state.staleSince = stale ? Date.now() : undefined;
    this.telemetry.registryStale(labels, state.staleSince);
    if (!stale) log.info('registry state is current again');
  }

  /**
   * Every registry is attached: from now on "all synced" can be decided.
   * Until then a registry that syncs at once cannot open the gate early.
   */
  seal(): void {
    this.sealed = true;
    this.checkAllSynced();
  }

  /** Readiness, decided here and only here: sealed, and every registry finished its first sync. */
  allSynced(): boolean {
    if (!this.sealed) return false;
    for (const r of this.registries.values()) if (!r.synced) return false;
    return true;
  }

  /** A copy of every registry's state, in config order. */
  status(): RegistryStatus[] {
    return [...this.registries.values()].map(registryStatus);
  }

  /** Hosts produced by more than one registry, with those registries. */
  hostConflicts(): { host: string; registries: string[] }[] {
    return this.hosts.list();
  }

  /** Conflicts: store keys claimed by more than one service, with the owners in winning order. */
  conflicts(): { key: string; owners: readonly string[] }[] {
    const out: { key: string; owners: readonly string[] }[] = [];
    const seen = new Set<string>();
    for (const { service } of this.owners.values()) {
      for (const key of service.resources.keys()) {
        if (seen.has(key)) continue;
        seen.add(key);
        const owners = this.claims.owners(key);
        if (owners.length > 1) out.push({ key, owners });
      }
    }
    return out.sort((a, b) => compareStrings(a.key, b.key));
  }

  private guard(log: Logger, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      // A bug or bad input must not take the bridge down or drop other services.
      log.error({ err }, 'failed to apply registry update; previous state kept');
    }
  }

  /** Tells the store its content is complete once every registry synced (once). */
  private checkAllSynced(): void {
    if (this.store.isComplete() || !this.allSynced()) return;
    this.logger.info('every registry finished its first sync');
    this.store.markComplete();
  }

  /** A change from an adapter: through the registry's mass-deletion guard. */
  private applyServices(
    state: RegistryState,
    upserts: readonly RegistryService[],
    removes: readonly string[],
  ): void {
    const now = state.guard.filter(upserts, removes, (id) => state.services.get(id), state.services.size);
    this.applyNow(state, now.upserts, now.removes);
  }

  private applyNow(
    state: RegistryState,
    upserts: readonly RegistryService[],
    removes: readonly string[],
  ): void {
    const affected = new Set<string>();
    const ctx = {
      registryName: state.identity.name,
      registryType: state.identity.type,
      namespace: state.identity.namespace,
      mode: this.mode,
    };
    for (const service of upserts) {
      // A service re-sent unchanged (a file reload, a registry re-list) costs an
      // identity check or a string compare, not a conversion and an encode per
      // resource. A first sight needs neither (no JSON at a cold start).
      const prev = state.services.get(service.id);
      let input: string | undefined;
      if (prev?.source !== undefined) {
        if (prev.source === service) continue;
        prev.input ??= JSON.stringify(prev.source);
        input = JSON.stringify(service);
        if (prev.input === input) {
          prev.source = service;
          continue;
        }
      }
      let result;
      try {
        result = convertService(service, ctx);
      } catch (err) {
        // One malformed service must not cost the others their update: keep its previous state.
        state.badInput++;
        this.telemetry.registryBadInput({ registry: state.identity.name, type: state.identity.type });
        this.logger.error(
          { registry: state.identity.name, service: String(service.name), err },
          'service could not be converted; its previous state is kept',
        );
        continue;
      }
      const ownerId = state.ownerId(service.id);
      let svc = state.services.get(service.id);
      if (!svc) {
        svc = {
          ownerId,
          serviceId: service.id,
          name: service.name,
          resources: new Map(),
          source: undefined,
          input: undefined,
          warnings: [],
          conflicts: new Map(),
          instances: 0,
          live: false,
          hosts: [],
        };
        state.services.set(service.id, svc);
        this.owners.set(ownerId, { registry: state, service: svc });
      }
      svc.source = service;
      svc.input = input;
      svc.instances = service.instances.length;
      svc.live = isLive(service);
      this.recordWarnings(state, svc, result.warnings);
      const next = new Map(result.resources.map((r) => [storeKey(r), r]));
      this.replaceClaims(svc, next, affected);
      this.replaceHosts(state, svc, hostsOf(result.resources));
    }
    for (const id of removes) {
      const svc = state.services.get(id);
      if (!svc) continue;
      this.replaceClaims(svc, new Map(), affected);
      this.replaceHosts(state, svc, []);
      state.services.delete(id);
      this.owners.delete(svc.ownerId);
    }
    if (upserts.length > 0 || removes.length > 0) state.lastChangeAt = Date.now();
    this.telemetry.registryServices(
      { registry: state.identity.name, type: state.identity.type },
      state.services.size,
    );
    this.reconcile(affected);
  }

  private replaceHosts(state: RegistryState, svc: ServiceState, next: string[]): void {
    const registry = state.identity.name;
    for (const h of svc.hosts) this.hosts.remove(h, registry);
    for (const h of next) {
      const registries = this.hosts.add(h, registry);
      if (registries) {
        this.logger.warn(
          { host: h, registries },
          'host conflict: more than one registry produces this host; see docs/mapping.md#host-conflicts',
        );
      }
    }
    svc.hosts = next;
    this.telemetry.hostConflicts(this.hosts.conflicts);
  }

  private replaceClaims(svc: ServiceState, next: Map<string, IstioResource>, affected: Set<string>): void {
    for (const key of svc.resources.keys()) {
      if (!next.has(key)) {
        this.claims.delete(key, svc.ownerId);
        svc.conflicts.delete(key);
        affected.add(key);
      }
    }
    for (const key of next.keys()) {
      this.claims.add(key, svc.ownerId);
      affected.add(key);
    }
    svc.resources = next;
  }

  private reconcile(keys: Set<string>): void {
    const upserts = new Map<ResourceKind, IstioResource[]>();
    const removes = new Map<ResourceKind, string[]>();
    for (const key of [...keys].sort()) {
      const kind = key.slice(0, key.indexOf('|')) as ResourceKind;
      const name = key.slice(kind.length + 1);
      const winner = this.claims.winner(key);
      const owner = winner === undefined ? undefined : this.owners.get(winner);
      const desired = owner?.service.resources.get(key);
      if (desired) {
        const list = upserts.get(kind) ?? [];
        list.push(desired);
        upserts.set(kind, list);
        this.noteConflicts(key);
      } else {
        const list = removes.get(kind) ?? [];
        list.push(name);
        removes.set(kind, list);
      }
    }
    for (const kind of new Set([...upserts.keys(), ...removes.keys()])) {
      const change = this.store.apply(kind, upserts.get(kind) ?? [], removes.get(kind) ?? []);
      this.telemetry.resourceUpdates(kind, 'upsert', change.changed.length);
      this.telemetry.resourceUpdates(kind, 'delete', change.removed.length);
      this.telemetry.resourceCount(kind, this.store.kind(kind).size);
    }
  }

  /**
   * Keeps each owner's view of a contested key up to date: losers carry a
   * conflict (logged and counted once, when it appears), the winner none.
   */
  private noteConflicts(key: string): void {
    const owners = this.claims.owners(key);
    owners.forEach((ownerId, i) => {
      const o = this.owners.get(ownerId);
      if (!o) return;
      if (i === 0) {
        o.service.conflicts.delete(key);
        return;
      }
      if (o.service.conflicts.get(key) === owners[0]) return;
      o.service.conflicts.set(key, owners[0]!);
      this.telemetry.convertWarning(o.registry.identity.name, 'NAME_CONFLICT');
      this.logger.warn(
        { registry: o.registry.identity.name, service: o.service.name, resource: key, servedFrom: owners[0] },
        'name conflict: another service produces the same resource; that one is served, this one is not',
      );
    });
  }

  private recordWarnings(state: RegistryState, svc: ServiceState, warnings: ConvertWarning[]): void {
    const before = new Set(svc.warnings.map((w) => `${w.code} ${w.message}`));
    const fresh = warnings.filter((w) => !before.has(`${w.code} ${w.message}`));
    svc.warnings = warnings;
    if (fresh.length === 0) return;
    for (const w of fresh) this.telemetry.convertWarning(state.identity.name, w.code);
    this.logger.warn(
      {
        registry: state.identity.name,
        service: svc.name,
        warnings: fresh.map((w) => `${w.code}: ${w.message}`),
      },
      'conversion warnings',
    );
  }
}

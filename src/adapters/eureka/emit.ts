/**
 * From the local copy to the sink: selects apps by name, maps them, and
 * sends them through the kit's ServiceEmitter (grace period for emptied
 * apps, unchanged ones skipped); reports each problem once.
 */
import type { Logger } from 'pino';
import type { RegistrySink } from '../adapter.js';
import { NameFilter } from '../kit/name-filter.js';
import { ServiceEmitter } from '../kit/service-emitter.js';
import type { RegistryMirror } from './mirror.js';
import type { EurekaSettings } from './settings.js';
import { emptyService, toRegistryService, type MappingIssue, type MappingOptions } from './to-service.js';
import type { WireIssue } from './wire.js';

/** Most wire problems remembered as already reported (then the memory starts over). */
const WIRE_MEMORY = 10_000;

export interface EurekaEmitterOptions {
  readonly settings: EurekaSettings;
  readonly sink: RegistrySink;
  readonly logger: Logger;
  /** While true (the registry cannot be read), nothing is removed. */
  readonly isPaused: () => boolean;
}

export class EurekaEmitter {
  private readonly filter: NameFilter;
  private readonly mapping: MappingOptions;
  private readonly services: ServiceEmitter;
  /** Host of every app sent, so its emptied form keeps it. */
  private readonly hosts = new Map<string, string>();
  /** Mapping problems already reported, per app. */
  private readonly reported = new Map<string, ReadonlySet<string>>();
  private wireReported = new Set<string>();

  constructor(private readonly o: EurekaEmitterOptions) {
    const s = o.settings;
    // Eureka app names are case-insensitive: match lower case against lower-case globs.
    const lower = (l: readonly string[]): string[] => l.map((p) => p.toLowerCase());
    this.filter = new NameFilter(lower(s.services.include), lower(s.services.exclude));
    this.mapping = {
      statuses: new Set(s.statuses),
      protocolDefault: s.protocolDefault,
      hostTemplate: s.hostTemplate,
    };
    this.services = new ServiceEmitter({
      sink: o.sink,
      graceMs: s.emptyGracePeriod,
      isPaused: () => o.isPaused(),
    });
  }

  /** Whether an app (Eureka's upper-case key) is served. */
  selects(app: string): boolean {
    return this.filter.matches(app.toLowerCase());
  }

  get pendingRemovals(): number {
    return this.services.pendingRemovals;
  }

  /**
   * Sends the current state of `apps`; after a full fetch also that of every
   * app sent before that the copy no longer holds (a safety net: the copy's
   * own list of changes covers them).
   */
  emit(apps: ReadonlySet<string>, mirror: RegistryMirror, full: boolean): void {
    const unheld = full ? [...this.hosts.keys()].filter((app) => !mirror.holds(app)) : [];
    const names = unheld.length === 0 ? apps : new Set([...apps, ...unheld]);
    for (const app of names) {
      if (!this.selects(app)) continue;
      const instances = mirror.instancesOf(app);
      if (instances.length === 0) {
        const host = this.hosts.get(app);
        if (host === undefined) continue;
        this.services.vanish(emptyService(app, host, this.mapping));
        this.hosts.delete(app);
        this.reported.delete(app);
        continue;
      }
      const result = toRegistryService(app, instances, this.mapping);
      this.report(app, result.issues);
      this.hosts.set(app, result.service.host!);
      this.services.update(result.service, result.healthyCount);
    }
  }

  /** Reports problems found while reading an answer; after a full fetch, only those not in the last one. */
  reportWireIssues(issues: readonly WireIssue[], full: boolean): void {
    const seen = full ? new Set<string>() : this.wireReported;
    for (const issue of issues) {
      const key = `${issue.what}|${issue.detail}`;
      const known = this.wireReported.has(key);
      seen.add(key);
      if (!known) this.o.sink.reportBadInput(issue.what, issue.detail);
    }
    this.wireReported = seen.size > WIRE_MEMORY ? new Set() : seen;
  }

  stop(): void {
    this.services.stop();
  }

  private report(app: string, issues: readonly MappingIssue[]): void {
    const before = this.reported.get(app);
    const now = new Set<string>();
    for (const issue of issues) {
      const key = `${issue.kind}|${issue.detail}`;
      now.add(key);
      if (before?.has(key)) continue;
      if (issue.kind === 'bad-input') this.o.sink.reportBadInput(issue.what, issue.detail);
      else this.o.logger.warn({ app }, `eureka: ${issue.what}: ${issue.detail}`);
    }
    if (now.size > 0) this.reported.set(app, now);
    else this.reported.delete(app);
  }
}

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MetricsSnapshot, RegistryLabels, Telemetry, XdsMode } from './telemetry.js';

/**
 * How often the event-loop delay histogram (`nodejs_eventloop_lag_p99_seconds`
 * and the like) samples. prom-client's default, 10 ms, wakes an idle bridge
 * 100 times a second: about 6 ms of CPU per second doing nothing, which showed
 * up as CPU per new client in the peer bench. A stall that runs past a
 * sample's due time is still measured in full; one that ends between two
 * samples is not.
 */
const EVENT_LOOP_SAMPLE_MS = 100;

/**
 * The Telemetry interface on prom-client: every metric the bridge exports, on
 * a registry of its own (so tests can make several).
 */
export class PrometheusTelemetry implements Telemetry, MetricsSnapshot {
  private readonly registry = new Registry();
  /** Registry (by `registry\0type`) -> stale since (epoch ms), read at scrape time. */
  private readonly staleSince = new Map<string, { labels: RegistryLabels; since: number | undefined }>();

  private readonly pushes = new Counter({
    name: 'irb_xds_pushes_total',
    help: 'Responses sent to xDS clients',
    labelNames: ['type_url', 'mode'] as const,
    registers: [this.registry],
  });
  private readonly pushBytes = new Counter({
    name: 'irb_xds_push_bytes_total',
    help: 'Bytes of responses sent to xDS clients',
    labelNames: ['type_url', 'mode'] as const,
    registers: [this.registry],
  });
  private readonly pushLatency = new Histogram({
    name: 'irb_xds_push_latency_seconds',
    help: 'From a store change to the response being written, including the debounce window',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly requests = new Counter({
    name: 'irb_xds_requests_total',
    help: 'Requests received, by outcome (subscribe, ack, nack, stale)',
    labelNames: ['type_url', 'mode', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly nacks = new Counter({
    name: 'irb_xds_nacks_total',
    help: 'NACKs (requests with error_detail) received',
    labelNames: ['type_url', 'mode'] as const,
    registers: [this.registry],
  });
  private readonly clients = new Gauge({
    name: 'irb_xds_clients',
    help: 'Connected xDS streams',
    labelNames: ['mode'] as const,
    registers: [this.registry],
  });
  private readonly streamsRejected = new Counter({
    name: 'irb_xds_streams_rejected_total',
    help: 'xDS streams refused or ended for going over a limit (xds.limits), by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  private oldestUnackedRead: ((mode: XdsMode) => number) | undefined;
  private readonly oldestUnacked = new Gauge({
    name: 'irb_xds_oldest_unacked_seconds',
    help: 'Age of the oldest response sent and not yet ACKed or NACKed, across streams (0 when none)',
    labelNames: ['mode'] as const,
    registers: [this.registry],
    collect: () => {
      for (const mode of ['sotw', 'delta'] as const) {
        this.oldestUnacked.set({ mode }, this.oldestUnackedRead?.(mode) ?? 0);
      }
    },
  });
  private readonly resources = new Gauge({
    name: 'irb_resources',
    help: 'Resources served, by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  private readonly registrySyncedGauge = new Gauge({
    name: 'irb_registry_synced',
    help: '1 once the registry finished its first sync',
    labelNames: ['registry', 'type'] as const,
    registers: [this.registry],
  });
  private readonly registryStaleGauge = new Gauge({
    name: 'irb_registry_stale',
    help: '1 while the registry cannot be reached and its last known state is served',
    labelNames: ['registry', 'type'] as const,
    registers: [this.registry],
  });
  private readonly registryStaleSeconds = new Gauge({
    name: 'irb_registry_stale_seconds',
    help: 'Seconds since the registry became unreachable (0 when reachable)',
    labelNames: ['registry', 'type'] as const,
    registers: [this.registry],
    collect: () => this.collectStaleSeconds(),
  });
  private readonly registryErrors = new Counter({
    name: 'irb_registry_errors_total',
    help: 'Errors talking to the registry',
    labelNames: ['registry', 'type'] as const,
    registers: [this.registry],
  });
  private readonly registryServiceCount = new Gauge({
    name: 'irb_registry_services',
    help: 'Services currently known from the registry',
    labelNames: ['registry', 'type'] as const,
    registers: [this.registry],
  });
  private readonly badInput = new Counter({
    name: 'irb_registry_bad_input_total',
    help: 'Pieces of registry input that were skipped as invalid',
    labelNames: ['registry', 'type'] as const,
    registers: [this.registry],
  });
  private readonly convertWarnings = new Counter({
    name: 'irb_convert_warnings_total',
    help: 'Conversion warnings (mended labels, sanitised names, skipped instances, conflicts)',
    labelNames: ['registry', 'code'] as const,
    registers: [this.registry],
  });
  private readonly deletionsHeld = new Gauge({
    name: 'irb_registry_deletions_held',
    help: 'Service deletions the mass-deletion guard holds back (docs/mass-deletion.md)',
    labelNames: ['registry', 'type'] as const,
    registers: [this.registry],
  });
  private readonly massDeletionHolds = new Counter({
    name: 'irb_registry_mass_deletion_holds_total',
    help: 'Times a registry lost most of its services at once and the deletions were held',
    labelNames: ['registry', 'type'] as const,
    registers: [this.registry],
  });
  private readonly hostConflictGauge = new Gauge({
    name: 'irb_host_conflicts',
    help: 'Hosts produced by services of more than one registry (see /debug/conflicts)',
    registers: [this.registry],
  });
  private readonly configReloads = new Counter({
    name: 'irb_config_reloads_total',
    help: 'Configuration reloads (SIGHUP), by outcome (applied, rejected, unchanged)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly resourceUpdateCount = new Counter({
    name: 'irb_resource_updates_total',
    help: 'Resources whose version changed or that were added/removed',
    labelNames: ['kind', 'op'] as const,
    registers: [this.registry],
  });

  constructor() {
    // Process and Node.js gauges (resident memory, heap, event-loop lag, ...).
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
    this.hostConflictGauge.set(0);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  xdsRequest(typeUrl: string, mode: XdsMode, outcome: string): void {
    this.requests.inc({ type_url: typeUrl, mode, outcome });
  }

  xdsNack(typeUrl: string, mode: XdsMode): void {
    this.nacks.inc({ type_url: typeUrl, mode });
  }

  xdsPush(typeUrl: string, mode: XdsMode, bytes: number, latencySeconds: number | undefined): void {
    this.pushes.inc({ type_url: typeUrl, mode });
    this.pushBytes.inc({ type_url: typeUrl, mode }, bytes);
    if (latencySeconds !== undefined) this.pushLatency.observe(latencySeconds);
  }

  xdsClients(mode: XdsMode, delta: 1 | -1): void {
    this.clients.inc({ mode }, delta);
  }

  xdsStreamRejected(reason: string): void {
    this.streamsRejected.inc({ reason });
  }

  xdsOldestUnackedSource(read: (mode: XdsMode) => number): void {
    this.oldestUnackedRead = read;
  }

  resourceCount(kind: string, count: number): void {
    this.resources.set({ kind }, count);
  }

  resourceUpdates(kind: string, op: 'upsert' | 'delete', count: number): void {
    if (count > 0) this.resourceUpdateCount.inc({ kind, op }, count);
  }

  registryAttached(r: RegistryLabels): void {
    this.registrySyncedGauge.set(labels(r), 0);
    this.registryStaleGauge.set(labels(r), 0);
    this.deletionsHeld.set(labels(r), 0);
    this.staleSince.set(`${r.registry}\0${r.type}`, { labels: r, since: undefined });
  }

  registrySynced(r: RegistryLabels): void {
    this.registrySyncedGauge.set(labels(r), 1);
  }

  registryStale(r: RegistryLabels, sinceMs: number | undefined): void {
    this.registryStaleGauge.set(labels(r), sinceMs === undefined ? 0 : 1);
    this.staleSince.set(`${r.registry}\0${r.type}`, { labels: r, since: sinceMs });
  }

  registryError(r: RegistryLabels): void {
    this.registryErrors.inc(labels(r));
  }

  registryServices(r: RegistryLabels, count: number): void {
    this.registryServiceCount.set(labels(r), count);
  }

  registryBadInput(r: RegistryLabels): void {
    this.badInput.inc(labels(r));
  }

  registryDetached(r: RegistryLabels): void {
    this.staleSince.delete(`${r.registry}\0${r.type}`);
    for (const g of [
      this.registrySyncedGauge,
      this.registryStaleGauge,
      this.registryStaleSeconds,
      this.registryServiceCount,
      this.deletionsHeld,
    ]) {
      g.remove(labels(r));
    }
  }

  registryDeletionsHeld(r: RegistryLabels, count: number): void {
    this.deletionsHeld.set(labels(r), count);
  }

  registryMassDeletionHold(r: RegistryLabels): void {
    this.massDeletionHolds.inc(labels(r));
  }

  hostConflicts(count: number): void {
    this.hostConflictGauge.set(count);
  }

  configReload(outcome: 'applied' | 'rejected' | 'unchanged'): void {
    this.configReloads.inc({ outcome });
  }

  convertWarning(registry: string, code: string): void {
    this.convertWarnings.inc({ registry, code });
  }

  private collectStaleSeconds(): void {
    const now = Date.now();
    for (const { labels: r, since } of this.staleSince.values()) {
      this.registryStaleSeconds.set(labels(r), since === undefined ? 0 : (now - since) / 1000);
    }
  }
}

function labels(r: RegistryLabels): { registry: string; type: string } {
  return { registry: r.registry, type: r.type };
}

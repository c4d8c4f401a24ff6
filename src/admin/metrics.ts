import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Every metric the bridge exports, on a registry of its own (so tests can make several). */
export class Metrics {
  readonly registry = new Registry();

  readonly pushes = new Counter({
    name: 'irb_xds_pushes_total',
    help: 'Responses sent to xDS clients',
    labelNames: ['type_url', 'mode'] as const,
    registers: [this.registry],
  });
  readonly pushBytes = new Counter({
    name: 'irb_xds_push_bytes_total',
    help: 'Bytes of responses sent to xDS clients',
    labelNames: ['type_url', 'mode'] as const,
    registers: [this.registry],
  });
  readonly pushLatency = new Histogram({
    name: 'irb_xds_push_latency_seconds',
    help: 'From a store change to the response being written, including the debounce window',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly requests = new Counter({
    name: 'irb_xds_requests_total',
    help: 'Requests received, by outcome (subscribe, ack, nack, stale)',
    labelNames: ['type_url', 'mode', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly nacks = new Counter({
    name: 'irb_xds_nacks_total',
    help: 'NACKs (requests with error_detail) received',
    labelNames: ['type_url', 'mode'] as const,
    registers: [this.registry],
  });
  readonly clients = new Gauge({
    name: 'irb_xds_clients',
    help: 'Connected xDS streams',
    labelNames: ['mode'] as const,
    registers: [this.registry],
  });
  readonly resources = new Gauge({
    name: 'irb_resources',
    help: 'Resources served, by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly registrySynced = new Gauge({
    name: 'irb_registry_synced',
    help: '1 once the registry finished its first sync',
    labelNames: ['registry', 'type'] as const,
    registers: [this.registry],
  });
  readonly registryStale = new Gauge({
    name: 'irb_registry_stale',
    help: '1 while the registry cannot be reached and its last known state is served',
    labelNames: ['registry', 'type'] as const,
    registers: [this.registry],
  });
  readonly registryStaleSeconds = new Gauge({
    name: 'irb_registry_stale_seconds',
    help: 'Seconds since the registry became unreachable (0 when reachable)',
    labelNames: ['registry', 'type'] as const,
    registers: [this.registry],
  });
  readonly registryErrors = new Counter({
    name: 'irb_registry_errors_total',
    help: 'Errors talking to the registry',
    labelNames: ['registry', 'type'] as const,
    registers: [this.registry],
  });
  readonly registryServices = new Gauge({
    name: 'irb_registry_services',
    help: 'Services currently known from the registry',
    labelNames: ['registry', 'type'] as const,
    registers: [this.registry],
  });
  readonly badInput = new Counter({
    name: 'irb_registry_bad_input_total',
    help: 'Pieces of registry input that were skipped as invalid',
    labelNames: ['registry', 'type'] as const,
    registers: [this.registry],
  });
  readonly convertWarnings = new Counter({
    name: 'irb_convert_warnings_total',
    help: 'Conversion warnings (mended labels, sanitised names, skipped instances, conflicts)',
    labelNames: ['registry', 'code'] as const,
    registers: [this.registry],
  });
  readonly resourceUpdates = new Counter({
    name: 'irb_resource_updates_total',
    help: 'Resources whose version changed or that were added/removed',
    labelNames: ['kind', 'op'] as const,
    registers: [this.registry],
  });
}

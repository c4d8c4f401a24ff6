/**
 * Maps one Eureka application (its instances) to a RegistryService. Pure and
 * deterministic: instances sorted by instanceId, problems returned as data.
 */
import { isIP } from 'node:net';
import { isValidLabelKey, isValidLabelValue } from '../../convert/labels.js';
import { isDns1123Subdomain } from '../../convert/naming.js';
import { istioProtocol } from '../../convert/protocol.js';
import type { RegistryInstance, RegistryService } from '../../model/registry.js';
import { compareStrings } from '../../util/compare.js';
import { eurekaHost } from './host.js';
import { localityOf } from './locality.js';
import { effectiveStatus } from './status.js';
import type { EurekaInstance } from './wire.js';

/** Annotation with the app name as the Eureka server spells it. */
export const APP_ANNOTATION = 'registry-bridge.io/eureka-app';
/** Annotation with metadata that cannot be a label: JSON `{"<instanceId>": {"<key>": "<value>"}}`. */
export const METADATA_ANNOTATION = 'registry-bridge.io/eureka-metadata';
/** Most characters of METADATA_ANNOTATION; instances beyond it are left out (and reported). */
export const METADATA_ANNOTATION_LIMIT = 32 * 1024;
/** Protocol of a secure port. */
export const SECURE_PROTOCOL = 'https';
/** Suffix of the RegistryInstance id of an instance's secure port. */
export const SECURE_ID_SUFFIX = '#secure';

export interface MappingOptions {
  /** Statuses served (an instance in another status is kept, unhealthy, for the port list). */
  readonly statuses: ReadonlySet<string>;
  readonly protocolDefault: string;
  readonly hostTemplate?: string | undefined;
}

/**
 * `bad-input`: an instance was skipped (for `sink.reportBadInput`);
 * `warn`: something was ignored and the instance kept.
 */
export interface MappingIssue {
  readonly kind: 'bad-input' | 'warn';
  readonly what: string;
  readonly detail: string;
}

export interface MappingResult {
  readonly service: RegistryService;
  readonly healthyCount: number;
  readonly issues: readonly MappingIssue[];
}

/** The service of an app (key `app`, Eureka's upper-case name) with the given instances. */
export function toRegistryService(
  app: string,
  instances: readonly EurekaInstance[],
  o: MappingOptions,
): MappingResult {
  const issues: MappingIssue[] = [];
  const what = `eureka app "${app}"`;
  const out: RegistryInstance[] = [];
  const leftovers: [string, Record<string, string>][] = [];
  const sorted = [...instances].sort((a, b) => compareStrings(a.instanceId, b.instanceId));
  for (const i of sorted) {
    const mapped = toInstances(i, o, issues, what);
    out.push(...mapped.instances);
    if (mapped.instances.length > 0 && mapped.leftover.length > 0) {
      leftovers.push([i.instanceId, Object.fromEntries(mapped.leftover)]);
    }
  }
  const annotations: [string, string][] = [[APP_ANNOTATION, app]];
  const meta = metadataAnnotation(leftovers);
  if (meta.omitted > 0) {
    issues.push({
      kind: 'warn',
      what,
      detail: `metadata of ${meta.omitted} instances left out of the ${METADATA_ANNOTATION} annotation (over ${METADATA_ANNOTATION_LIMIT} characters)`,
    });
  }
  if (meta.value !== undefined) annotations.push([METADATA_ANNOTATION, meta.value]);
  const service: RegistryService = {
    ...baseService(app, eurekaHost(app, o.hostTemplate, sorted), o),
    annotations: Object.fromEntries(annotations),
    instances: out,
  };
  return { service, healthyCount: out.filter((i) => i.healthy).length, issues };
}

/** The service as reported once its last instance has gone (`host` as it was). */
export function emptyService(app: string, host: string, o: MappingOptions): RegistryService {
  return { ...baseService(app, host, o), annotations: { [APP_ANNOTATION]: app }, instances: [] };
}

function baseService(
  app: string,
  host: string,
  o: MappingOptions,
): Pick<RegistryService, 'id' | 'name' | 'host' | 'protocol'> {
  // Eureka names are case-insensitive and servers upper-case them; clients
  // register lower-case names (spring.application.name), so that is the name.
  return { id: app, name: app.toLowerCase(), host, protocol: o.protocolDefault };
}

function toInstances(
  i: EurekaInstance,
  o: MappingOptions,
  issues: MappingIssue[],
  what: string,
): { instances: RegistryInstance[]; leftover: [string, string][] } {
  const where = `instance "${i.instanceId}"`;
  const bad = (detail: string): { instances: RegistryInstance[]; leftover: [string, string][] } => {
    issues.push({ kind: 'bad-input', what, detail: `${where}: ${detail}; skipped` });
    return { instances: [], leftover: [] };
  };
  const address = pickAddress(i);
  if (address === undefined) {
    return bad(
      `neither ipAddr ${JSON.stringify(i.ipAddr)} nor hostName ${JSON.stringify(i.hostName)} is an address`,
    );
  }
  if (i.port === undefined && i.securePort === undefined)
    return bad('neither port nor securePort is enabled');
  const labels: [string, string][] = [];
  const leftover: [string, string][] = [];
  for (const key of [...i.metadata.keys()].sort(compareStrings)) {
    const value = i.metadata.get(key)!;
    if (isValidLabelKey(key) && isValidLabelValue(value)) labels.push([key, value]);
    else leftover.push([key, value]);
  }
  const healthy = o.statuses.has(effectiveStatus(i.status, i.overriddenStatus));
  const loc = localityOf(i.metadata, i.availabilityZone);
  if (loc.issue !== undefined) issues.push({ kind: 'warn', what, detail: `${where}: ${loc.issue}` });
  const common = {
    address,
    labels: Object.fromEntries(labels),
    healthy,
    ...(loc.value === undefined ? {} : { locality: loc.value }),
  };
  const instances: RegistryInstance[] = [];
  if (i.port !== undefined) {
    const requested = i.metadata.get('protocol');
    let protocol: string | undefined;
    if (requested !== undefined) {
      if (istioProtocol(requested) !== undefined) protocol = requested.trim().toLowerCase();
      else {
        issues.push({
          kind: 'warn',
          what,
          detail: `${where}: unknown protocol "${requested}"; using ${o.protocolDefault}`,
        });
      }
    }
    instances.push({ id: i.instanceId, port: i.port, ...(protocol ? { protocol } : {}), ...common });
  }
  if (i.securePort !== undefined) {
    instances.push({
      id: `${i.instanceId}${SECURE_ID_SUFFIX}`,
      port: i.securePort,
      protocol: SECURE_PROTOCOL,
      ...common,
    });
  }
  return { instances, leftover };
}

/** ipAddr when it is an IP, else hostName when it is a host name. */
function pickAddress(i: EurekaInstance): string | undefined {
  if (i.ipAddr !== undefined && isIP(i.ipAddr) !== 0) return i.ipAddr;
  const host = i.hostName?.replace(/\.$/, '').toLowerCase();
  if (host !== undefined && isDns1123Subdomain(host)) return host;
  return undefined;
}

/** JSON of the leftovers, instances in order, cut before the limit. */
function metadataAnnotation(leftovers: readonly [string, Record<string, string>][]): {
  value: string | undefined;
  omitted: number;
} {
  if (leftovers.length === 0) return { value: undefined, omitted: 0 };
  const kept: [string, Record<string, string>][] = [];
  let length = 2;
  for (const [id, meta] of leftovers) {
    const size = JSON.stringify(id).length + JSON.stringify(meta).length + 2;
    if (length + size > METADATA_ANNOTATION_LIMIT) break;
    kept.push([id, meta]);
    length += size;
  }
  const omitted = leftovers.length - kept.length;
  return { value: kept.length === 0 ? undefined : JSON.stringify(Object.fromEntries(kept)), omitted };
}

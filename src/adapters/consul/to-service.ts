import { isIP } from 'node:net';
import type { RegistryInstance, RegistryService } from '../../model/registry.js';
import { aggregateStatus, isHealthy, type CheckStatus } from './health.js';
import { toDns1123Label as toDnsLabel } from '../../convert/naming.js';
import { consulHost } from './host.js';
import { istioProtocol } from '../../convert/protocol.js';
import { isDns1123Subdomain } from '../../convert/naming.js';
import type { HealthPolicy } from './settings.js';
import { compareStrings } from '../../util/compare.js';

/** Annotation with the service's tags that are not `key=value` (sorted JSON array). */
export const TAGS_ANNOTATION = 'registry-bridge.io/consul-tags';
/** Annotation with the Consul datacenter the service was read from. */
export const DATACENTER_ANNOTATION = 'registry-bridge.io/consul-datacenter';

export interface MappingOptions {
  readonly datacenter: string;
  readonly localDatacenter: string;
  readonly hostTemplate?: string;
  readonly health: HealthPolicy;
  readonly protocolDefault: string;
  /** Tag key of the `<key>=<protocol>` tag convention. */
  readonly protocolTag: string;
  /** Instances must carry all of these tags. */
  readonly requiredTags: readonly string[];
}

/**
 * `bad-input`: an instance was skipped (for `sink.reportBadInput`);
 * `warn`: something was ignored and the instance kept;
 * `info`: a name had to be mended for the host (expected with Consul names).
 */
export interface MappingIssue {
  readonly kind: 'bad-input' | 'warn' | 'info';
  readonly what: string;
  readonly detail: string;
}

export interface MappingResult {
  readonly service: RegistryService;
  readonly healthyCount: number;
  /** There were entries and every one was a Connect proxy or gateway. */
  readonly proxyOnly: boolean;
  readonly issues: readonly MappingIssue[];
}

type Json = Readonly<Record<string, unknown>>;

export function serviceId(datacenter: string, name: string): string {
  return `${datacenter}/${name}`;
}

/**
 * Maps the answer of `/v1/health/service/<name>` (all entries, any health) to
 * a RegistryService. Pure and deterministic: instances sorted by id, label
 * keys sorted, problems returned as data. Connect proxies and gateways are
 * skipped; so are instances without every required tag.
 */
export function toRegistryService(
  name: string,
  entries: readonly unknown[],
  o: MappingOptions,
): MappingResult {
  const issues: MappingIssue[] = [];
  const instances = new Map<string, RegistryInstance>();
  const plainTags = new Set<string>();
  let proxies = 0;
  for (const entry of entries) {
    const mapped = toInstance(name, entry, o, issues);
    if (mapped === 'proxy') proxies++;
    if (typeof mapped !== 'object') continue;
    if (instances.has(mapped.instance.id!)) {
      issues.push(warning(name, o, `instance ${mapped.instance.id} is listed twice; the first is kept`));
      continue;
    }
    instances.set(mapped.instance.id!, mapped.instance);
    for (const t of mapped.plainTags) plainTags.add(t);
  }
  const sorted = [...instances.values()].sort((a, b) => compareStrings(a.id!, b.id!));
  const annotations: Record<string, string> = { [DATACENTER_ANNOTATION]: o.datacenter };
  if (plainTags.size > 0) annotations[TAGS_ANNOTATION] = JSON.stringify([...plainTags].sort(compareStrings));
  const service = baseService(name, o, sorted, annotations);
  if (toDnsLabel(name) !== name) {
    issues.push({
      kind: 'info',
      what: what(name, o),
      detail: `the name is not a DNS-1123 label; the host is ${service.host}`,
    });
  }
  return {
    service,
    healthyCount: sorted.filter((i) => i.healthy).length,
    proxyOnly: entries.length > 0 && proxies === entries.length,
    issues,
  };
}

/** The service as reported once its last instance has gone. */
export function emptyService(name: string, o: MappingOptions): RegistryService {
  return baseService(name, o, [], { [DATACENTER_ANNOTATION]: o.datacenter });
}

function baseService(
  name: string,
  o: MappingOptions,
  instances: readonly RegistryInstance[],
  annotations: Record<string, string>,
): RegistryService {
  return {
    id: serviceId(o.datacenter, name),
    name,
    host: consulHost(name, o.datacenter, o.localDatacenter, o.hostTemplate),
    protocol: o.protocolDefault,
    annotations,
    instances,
  };
}

function toInstance(
  name: string,
  entry: unknown,
  o: MappingOptions,
  issues: MappingIssue[],
): { instance: RegistryInstance; plainTags: string[] } | 'proxy' | 'skipped' {
  const bad = (detail: string): 'skipped' => {
    issues.push({ kind: 'bad-input', what: what(name, o), detail });
    return 'skipped';
  };
  if (!isObject(entry) || !isObject(entry.Service)) return bad('an entry has no Service object; skipped');
  const svc = entry.Service;
  const node = isObject(entry.Node) ? entry.Node : {};
  if (typeof svc.Kind === 'string' && svc.Kind !== '') return 'proxy';
  const nodeName = typeof node.Node === 'string' ? node.Node : '';
  const svcId = typeof svc.ID === 'string' && svc.ID !== '' ? svc.ID : undefined;
  if (svcId === undefined) return bad(`an instance on node "${nodeName}" has no service ID; skipped`);
  const id = `${nodeName}/${svcId}`;
  const tags = stringList(svc.Tags);
  if (!o.requiredTags.every((t) => tags.includes(t))) return 'skipped';
  const address = pickAddress(svc.Address, node.Address);
  if (typeof address !== 'string') return bad(`instance ${id}: ${address.bad}; skipped`);
  if (typeof svc.Port !== 'number' || !Number.isInteger(svc.Port) || svc.Port < 1 || svc.Port > 65535) {
    return bad(`instance ${id}: port ${JSON.stringify(svc.Port)} is not a number from 1 to 65535; skipped`);
  }
  const meta = stringMap(svc.Meta);
  const nodeMeta = stringMap(node.Meta);
  const plainTags: string[] = [];
  const kv: [string, string][] = [];
  for (const tag of tags) {
    const eq = tag.indexOf('=');
    if (eq > 0) kv.push([tag.slice(0, eq), tag.slice(eq + 1)]);
    else plainTags.push(tag);
  }
  const merged = new Map<string, string>(kv);
  for (const [k, v] of Object.entries(meta)) merged.set(k, v);
  // Built from entries, never by assignment: a key such as `__proto__` is data.
  const labels: Record<string, string> = Object.fromEntries(
    [...merged.entries()].sort((a, b) => compareStrings(a[0], b[0])),
  );

  const status = aggregateStatus(checkStatuses(entry.Checks));
  const instance: {
    -readonly [K in keyof RegistryInstance]: RegistryInstance[K];
  } = {
    id,
    address,
    port: svc.Port,
    labels,
    healthy: isHealthy(status, o.health),
  };
  const protocol = pickProtocol(meta, kv, o);
  if (protocol.issue !== undefined) issues.push(warning(name, o, `instance ${id}: ${protocol.issue}`));
  if (protocol.value !== undefined) instance.protocol = protocol.value;
  const loc = locality(o.datacenter, nodeMeta, meta);
  if (loc.issue !== undefined) issues.push(warning(name, o, `instance ${id}: ${loc.issue}`));
  instance.locality = loc.value;
  const weight = pickWeight(svc.Weights, status);
  if (weight !== undefined) instance.weight = weight;
  return { instance, plainTags };
}

/** Service.Address, else Node.Address; the first non-empty one must be an IP or host name. */
function pickAddress(serviceAddress: unknown, nodeAddress: unknown): string | { bad: string } {
  for (const a of [serviceAddress, nodeAddress]) {
    if (typeof a !== 'string' || a.trim() === '') continue;
    const v = a.trim();
    return isAddress(v) ? v : { bad: `address ${JSON.stringify(a)} is not an IP or host name` };
  }
  return { bad: 'Service.Address and Node.Address are both empty' };
}

function isAddress(a: string): boolean {
  return isIP(a) !== 0 || isDns1123Subdomain(a.toLowerCase());
}

function pickProtocol(
  meta: Readonly<Record<string, string>>,
  kv: readonly [string, string][],
  o: MappingOptions,
): { value?: string; issue?: string } {
  const fromMeta = meta.protocol;
  const fromTag = kv.find(([k]) => k === o.protocolTag)?.[1];
  const raw = fromMeta ?? fromTag;
  if (raw === undefined) return {};
  if (istioProtocol(raw) === undefined)
    return { issue: `unknown protocol "${raw}"; using ${o.protocolDefault}` };
  return { value: raw.trim().toLowerCase() };
}

/**
 * Locality `<region>/<zone>/<subzone>`: region is node meta `region`, else the
 * datacenter; zone and subzone come from node meta, else service meta. A part
 * containing "/" ends the locality there.
 */
function locality(
  dc: string,
  nodeMeta: Readonly<Record<string, string>>,
  meta: Readonly<Record<string, string>>,
): { value: string; issue?: string } {
  const parts = [nodeMeta.region || dc, nodeMeta.zone || meta.zone, nodeMeta.subzone || meta.subzone];
  const out: string[] = [];
  for (const p of parts) {
    if (p === undefined || p === '') break;
    if (p.includes('/')) {
      return {
        value: out.join('/') || dc,
        issue: `locality part "${p}" contains "/"; locality cut before it`,
      };
    }
    out.push(p);
  }
  return { value: out.join('/') };
}

function pickWeight(weights: unknown, status: CheckStatus): number | undefined {
  if (!isObject(weights)) return undefined;
  const w = status === 'warning' ? weights.Warning : weights.Passing;
  if (typeof w !== 'number' || !Number.isInteger(w) || w < 1 || w === 1) return undefined;
  return w;
}

function checkStatuses(checks: unknown): unknown[] {
  if (!Array.isArray(checks)) return [];
  return checks.map((c) => (isObject(c) ? c.Status : undefined));
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((t): t is string => typeof t === 'string' && t !== '') : [];
}

/** String entries of a JSON object; built from entries, so a key such as `__proto__` stays data. */
function stringMap(v: unknown): Record<string, string> {
  if (!isObject(v)) return {};
  return Object.fromEntries(
    Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string' && e[0] !== ''),
  );
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function what(name: string, o: MappingOptions): string {
  return `consul service "${name}" in datacenter ${o.datacenter}`;
}

function warning(name: string, o: MappingOptions, detail: string): MappingIssue {
  return { kind: 'warn', what: what(name, o), detail };
}

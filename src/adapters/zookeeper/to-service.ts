/**
 * Dubbo providers and instances → RegistryServices. Pure and deterministic:
 * instances sorted by id, label keys sorted, no I/O.
 */
import { isValidLabelKey, isValidLabelValue } from '../../convert/labels.js';
import { toDns1123Label } from '../../convert/naming.js';
import type { RegistryInstance, RegistryService } from '../../model/registry.js';
import { compareStrings } from '../../util/compare.js';
import type { CuratorInstance } from './curator-json.js';
import type { DubboUrl } from './dubbo-url.js';
import { applicationHost, interfaceHost, splitsBy } from './host.js';

export const INTERFACE_ANNOTATION = 'registry-bridge.io/dubbo-interface';
/** The providers' decoded URLs (credentials removed), one a line, sorted; cut at URLS_ANNOTATION_LIMIT. */
export const URLS_ANNOTATION = 'registry-bridge.io/dubbo-urls';
export const GROUP_ANNOTATION = 'registry-bridge.io/dubbo-group';
export const VERSION_ANNOTATION = 'registry-bridge.io/dubbo-version';
export const APPLICATION_ANNOTATION = 'registry-bridge.io/dubbo-application';
/** Interfaces mapped to an application in `<root>/mapping`, comma-separated, sorted. */
export const INTERFACES_ANNOTATION = 'registry-bridge.io/dubbo-interfaces';
export const URLS_ANNOTATION_LIMIT = 32 * 1024;

/** URL parameters that are not labels: volatile, long, or Dubbo's own bookkeeping. */
const NOT_LABELS = new Set([
  'anyhost',
  'bind.ip',
  'bind.port',
  'category',
  'deprecated',
  'disabled',
  'dynamic',
  'enabled',
  'generic',
  'interface',
  'methods',
  'path',
  'pid',
  'register',
  'revision',
  'service-name-mapping',
  'side',
  'timestamp',
]);
/** Never copied to labels, whatever the parameter's name says. */
const SECRET = /token|passw|secret|credential|access.?key/i;

export interface MappingOptions {
  readonly hostTemplate?: string | undefined;
  /** Dubbo protocol → served protocol. */
  readonly protocols: ReadonlyMap<string, string>;
  readonly protocolDefault: string;
}

/** A service ready for the emitter. */
export interface Emitted {
  readonly service: RegistryService;
  readonly healthyCount: number;
}

export function interfaceServiceId(iface: string, group?: string, version?: string): string {
  let id = `interface/${iface}`;
  if (group !== undefined) id += `/g=${group}`;
  if (version !== undefined) id += `/v=${version}`;
  return id;
}

export function applicationServiceId(app: string): string {
  return `application/${app}`;
}

/** Whether the provider is switched off (`enabled=false` or `disabled=true`). */
export function isDisabled(url: DubboUrl): boolean {
  return url.params.get('enabled') === 'false' || url.params.get('disabled') === 'true';
}

function servedProtocol(dubboProtocol: string, o: MappingOptions): string {
  return o.protocols.get(dubboProtocol) ?? o.protocolDefault;
}

function labelsOf(
  entries: Iterable<[string, string]>,
  skip: (key: string) => boolean,
): Record<string, string> {
  const picked = new Map<string, string>();
  for (const [k, v] of entries) {
    if (skip(k) || SECRET.test(k) || !isValidLabelKey(k) || !isValidLabelValue(v)) continue;
    picked.set(k, v);
  }
  return Object.fromEntries([...picked.entries()].sort((a, b) => compareStrings(a[0], b[0])));
}

function weightOf(url: DubboUrl): number | undefined {
  const w = url.params.get('weight');
  if (w === undefined || !/^\d{1,10}$/.test(w)) return undefined;
  const n = Number(w);
  return n >= 1 && n <= 2 ** 32 - 1 ? n : undefined;
}

/** One provider URL as an instance: address:port, protocol, labels (group and version included). */
export function providerInstance(url: DubboUrl, o: MappingOptions): RegistryInstance {
  const group = url.params.get('group') ?? '';
  const version = url.params.get('version') ?? '';
  const labels = labelsOf(url.params, (k) => NOT_LABELS.has(k) || k === 'group' || k === 'version');
  // group and version always become labels (mended by the converter if Kubernetes would refuse them),
  // so DestinationRule subsets can split by them.
  if (group !== '') labels.group = group;
  if (version !== '') labels.version = version;
  const sorted: Record<string, string> = Object.fromEntries(
    Object.entries(labels).sort((a, b) => compareStrings(a[0], b[0])),
  );
  const instance: { -readonly [K in keyof RegistryInstance]: RegistryInstance[K] } = {
    id: `${url.protocol}://${url.host.includes(':') ? `[${url.host}]` : url.host}:${url.port}?group=${group}&version=${version}`,
    address: url.host,
    port: url.port,
    protocol: servedProtocol(url.protocol, o),
    labels: sorted,
    healthy: !isDisabled(url),
  };
  const weight = weightOf(url);
  if (weight !== undefined) instance.weight = weight;
  return instance;
}

function urlsAnnotation(urls: readonly string[]): string {
  const sorted = [...new Set(urls)].sort(compareStrings);
  let out = '';
  for (let i = 0; i < sorted.length; i++) {
    const line = sorted[i]!;
    if (out.length + line.length + 1 > URLS_ANNOTATION_LIMIT) {
      return `${out}... (${sorted.length - i} more)`;
    }
    out += `${line}\n`;
  }
  return out.trimEnd();
}

/**
 * The services of one interface. One service (host = the interface name)
 * unless `hostTemplate` uses {group} or {version}: then one per value seen.
 * Every provider counts, on whatever port; disabled providers are kept as
 * unhealthy instances (not served, but their ports stay).
 */
export function interfaceServices(
  iface: string,
  providers: readonly DubboUrl[],
  o: MappingOptions,
): Map<string, Emitted> {
  const split = splitsBy(o.hostTemplate);
  const groups = new Map<string, { group: string; version: string; urls: DubboUrl[] }>();
  for (const url of providers) {
    const group = split.group ? (url.params.get('group') ?? '') : '';
    const version = split.version ? (url.params.get('version') ?? '') : '';
    const id = interfaceServiceId(
      iface,
      split.group ? group : undefined,
      split.version ? version : undefined,
    );
    const entry = groups.get(id) ?? { group, version, urls: [] };
    entry.urls.push(url);
    groups.set(id, entry);
  }
  const out = new Map<string, Emitted>();
  for (const [id, g] of groups) {
    const instances = new Map<string, RegistryInstance>();
    for (const url of g.urls) {
      const inst = providerInstance(url, o);
      if (!instances.has(inst.id!)) instances.set(inst.id!, inst);
    }
    const sorted = [...instances.values()].sort((a, b) => compareStrings(a.id!, b.id!));
    const annotations: Record<string, string> = {
      [INTERFACE_ANNOTATION]: iface,
      [URLS_ANNOTATION]: urlsAnnotation(g.urls.map((u) => u.display)),
    };
    if (split.group) annotations[GROUP_ANNOTATION] = g.group;
    if (split.version) annotations[VERSION_ANNOTATION] = g.version;
    out.set(id, {
      service: {
        id,
        name: serviceName(iface, split, g.group, g.version),
        host: interfaceHost(iface, g.group, g.version, o.hostTemplate),
        protocol: o.protocolDefault,
        annotations,
        instances: sorted,
      },
      healthyCount: sorted.filter((i) => i.healthy).length,
    });
  }
  return out;
}

function serviceName(
  iface: string,
  split: { group: boolean; version: boolean },
  group: string,
  version: string,
): string {
  let name = iface;
  if (split.group && group !== '') name += `-${group}`;
  if (split.version && version !== '') name += `-${version}`;
  // Every Java interface name has dots: mending it is the documented mapping, not
  // a surprise to warn about (and log) once per interface. The interface itself is
  // kept in its own annotation.
  return toDns1123Label(name);
}

/** A service as sent once it has no provider left (its id and host kept). */
export function withoutInstances(service: RegistryService): RegistryService {
  return { ...service, instances: [] };
}

/**
 * An application-level service: host `<app>.dubbo`, one instance per
 * endpoint (protocol and port) of every instance, the interfaces mapped to
 * the application in an annotation.
 */
export function applicationService(
  app: string,
  instances: readonly CuratorInstance[],
  interfaces: readonly string[],
  o: MappingOptions,
): Emitted {
  const out = new Map<string, RegistryInstance>();
  for (const inst of instances) {
    const labels = labelsOf(inst.metadata, (k) => k.startsWith('dubbo.') || k === 'timestamp');
    for (const ep of inst.endpoints) {
      const id = `${inst.id}/${ep.protocol || 'port'}:${ep.port}`;
      if (out.has(id)) continue;
      out.set(id, {
        id,
        address: inst.address,
        port: ep.port,
        protocol: ep.protocol === '' ? o.protocolDefault : servedProtocol(ep.protocol, o),
        labels,
        healthy: true,
      });
    }
  }
  const sorted = [...out.values()].sort((a, b) => compareStrings(a.id!, b.id!));
  const annotations: Record<string, string> = { [APPLICATION_ANNOTATION]: app };
  if (interfaces.length > 0) {
    annotations[INTERFACES_ANNOTATION] = [...interfaces]
      .sort(compareStrings)
      .join(',')
      .slice(0, URLS_ANNOTATION_LIMIT);
  }
  return {
    service: {
      id: applicationServiceId(app),
      name: app,
      host: applicationHost(app),
      protocol: o.protocolDefault,
      annotations,
      instances: sorted,
    },
    healthyCount: sorted.length,
  };
}

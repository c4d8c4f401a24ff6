import type {
  IstioResource,
  ServiceEntryResource,
  ServiceEntrySpec,
  WorkloadEntryResource,
  WorkloadEntrySpec,
  OutputMode,
} from '../model/istio.js';
import type { RegistryInstance, RegistryService } from '../model/registry.js';
import {
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  ORIGINAL_NAME_ANNOTATION,
  REGISTRY_LABEL,
  REGISTRY_TYPE_ANNOTATION,
  SERVICE_SELECTOR_LABEL,
} from './annotations.js';
import { endpointPorts, planPorts, type Workload } from './endpoints.js';
import { cleanLabels } from './labels.js';
import {
  isDns1123Label,
  isDns1123Subdomain,
  isServableHost,
  toDns1123Host,
  toDns1123Label,
} from './naming.js';
import { warning, type ConvertWarning } from './warnings.js';
import { compareStrings } from '../util/compare.js';

export interface ConvertContext {
  readonly registryName: string;
  readonly registryType: string;
  /** The registry's namespace, used unless the service names its own. */
  readonly namespace: string;
  readonly mode: OutputMode;
}

export interface ConvertResult {
  /** Sorted by kind, then name. */
  readonly resources: IstioResource[];
  readonly warnings: ConvertWarning[];
}

/**
 * Converts one registry service into Istio resources. Pure: the same input
 * always gives the same output (sorted, no clocks, no I/O, no logging).
 */
export function convertService(service: RegistryService, ctx: ConvertContext): ConvertResult {
  const warnings: ConvertWarning[] = [];
  const namespace = namespaceOf(service, ctx, warnings);
  const name = toDns1123Label(service.name);
  if (name !== service.name) {
    warnings.push(warning('NAME_SANITISED', `service name "${service.name}" served as "${name}"`));
  }
  const host = hostOf(service, name, namespace, warnings);
  if (host === undefined) return { resources: [], warnings };
  const plan = planPorts(service);
  warnings.push(...plan.warnings);

  const labels = sortedRecord({ [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [REGISTRY_LABEL]: ctx.registryName });
  const annotations = sortedRecord({
    ...(service.annotations ?? {}),
    [ORIGINAL_NAME_ANNOTATION]: service.name,
    [REGISTRY_TYPE_ANNOTATION]: ctx.registryType,
  });
  const base: ServiceEntrySpec = {
    hosts: [host],
    ports: plan.ports,
    location: 'MESH_INTERNAL',
    resolution: plan.needsDns ? 'DNS' : 'STATIC',
  };
  const resources: IstioResource[] = [];
  // Sorted once per service, not once per endpoint.
  const portsByName = [...plan.ports].sort((a, b) => compareStrings(a.name, b.name));

  const endpointSpec = (w: Workload, extra?: Record<string, string>): WorkloadEntrySpec => {
    // A Map, not Object.assign: a label key such as `__proto__` is data, never a prototype.
    // One port (the common case): its own labels, no merge needed.
    let given: Readonly<Record<string, string>> = w.ports[0]!.instance.labels;
    if (w.ports.length > 1) {
      const merged = new Map<string, string>();
      for (let i = w.ports.length - 1; i >= 0; i--) {
        for (const [k, val] of Object.entries(w.ports[i]!.instance.labels)) merged.set(k, val);
      }
      given = Object.fromEntries(merged);
    }
    const cleaned = cleanLabels(given, `endpoint ${w.address}`);
    warnings.push(...cleaned.warnings);
    const spec: WorkloadEntrySpec = { address: w.address };
    const ports = endpointPorts(portsByName, w);
    if (Object.keys(ports).length > 0) spec.ports = ports;
    // cleanLabels' keys are sorted already; only extra labels need a merge and sort.
    const lbls = extra === undefined ? cleaned.labels : sortedRecord({ ...cleaned.labels, ...extra });
    if (Object.keys(lbls).length > 0) spec.labels = lbls;
    const network = workloadField(w, 'network', warnings);
    if (network) spec.network = network;
    const locality = workloadField(w, 'locality', warnings);
    if (locality) spec.locality = locality;
    const weight = workloadField(w, 'weight', warnings);
    // Istio's weight is a uint32; 0 means unset.
    if (weight !== undefined && weight >= 1) spec.weight = Math.min(Math.floor(weight), 2 ** 32 - 1);
    const serviceAccount = workloadField(w, 'serviceAccount', warnings);
    if (serviceAccount) spec.serviceAccount = serviceAccount;
    return spec;
  };

  if (ctx.mode === 'serviceentry') {
    const se: ServiceEntryResource = {
      kind: 'ServiceEntry',
      namespace,
      name,
      labels,
      annotations,
      spec: { ...base, endpoints: plan.workloads.map((w) => endpointSpec(w)) },
    };
    resources.push(se);
  } else {
    const selector = { [SERVICE_SELECTOR_LABEL]: name };
    resources.push({
      kind: 'ServiceEntry',
      namespace,
      name,
      labels,
      annotations,
      spec: { ...base, workloadSelector: { labels: selector } },
    });
    const usedNames = new Set<string>();
    const weLabels = sortedRecord({ ...labels, ...selector });
    for (const w of plan.workloads) {
      const weName = uniqueName(toDns1123Label(`${name}-${w.address}`), usedNames);
      const we: WorkloadEntryResource = {
        kind: 'WorkloadEntry',
        namespace,
        name: weName,
        labels: weLabels,
        annotations,
        spec: endpointSpec(w, selector),
      };
      resources.push(we);
    }
  }
  resources.sort((a, b) => compareStrings(a.kind, b.kind) || compareStrings(a.name, b.name));
  return { resources, warnings };
}

/**
 * One per-address value from the instances (ports) of that address: the first
 * (lowest port) that sets it; a disagreement is reported, never hidden.
 */
function workloadField<K extends 'network' | 'locality' | 'weight' | 'serviceAccount'>(
  w: Workload,
  field: K,
  warnings: ConvertWarning[],
): RegistryInstance[K] | undefined {
  if (w.ports.length === 1) {
    const only = w.ports[0]!.instance[field];
    return only === '' ? undefined : only;
  }
  const values = w.ports.map((v) => v.instance[field]).filter((x) => x !== undefined && x !== '');
  const chosen = values[0];
  if (values.some((x) => x !== chosen)) {
    warnings.push(
      warning(
        'ENDPOINT_FIELD_CONFLICT',
        `endpoint ${w.address}: its ports disagree on ${field} (${[...new Set(values)].join(', ')}); using ${String(chosen)}`,
      ),
    );
  }
  return chosen;
}

function namespaceOf(service: RegistryService, ctx: ConvertContext, warnings: ConvertWarning[]): string {
  if (service.namespace === undefined || service.namespace === '') return ctx.namespace;
  if (isDns1123Label(service.namespace)) return service.namespace;
  const ns = toDns1123Label(service.namespace);
  warnings.push(warning('NAME_SANITISED', `namespace "${service.namespace}" served as "${ns}"`));
  return ns;
}

/**
 * The host served, or undefined (with a warning) when the service has none
 * istiod would accept: a host such as `.` has no label left to keep, and an
 * all-numeric last label (`svc.123`) is refused by Istio's validation.
 */
function hostOf(
  service: RegistryService,
  name: string,
  namespace: string,
  warnings: ConvertWarning[],
): string | undefined {
  let host = `${name}.${namespace}`;
  if (service.host !== undefined && service.host !== '') {
    host = service.host;
    if (!isDns1123Subdomain(host)) {
      host = toDns1123Host(service.host);
      if (host !== '') {
        warnings.push(warning('HOST_SANITISED', `host "${service.host}" served as "${host}"`));
      }
    }
  }
  if (isServableHost(host)) return host;
  warnings.push(
    warning(
      'HOST_INVALID',
      `host "${service.host ?? host}" is not a host name istiod accepts (empty, or its last label is all digits); ` +
        `service "${service.name}" is not served: give it a host name`,
    ),
  );
  return undefined;
}

function uniqueName(candidate: string, used: Set<string>): string {
  let name = candidate;
  for (let i = 2; used.has(name); i++) name = toDns1123Label(`${candidate}-${i}`);
  used.add(name);
  return name;
}

function sortedRecord(rec: Readonly<Record<string, string>>): Record<string, string> {
  // Built from entries, never by assignment: a key such as `__proto__` is data.
  return Object.fromEntries(Object.entries(rec).sort((a, b) => compareStrings(a[0], b[0])));
}

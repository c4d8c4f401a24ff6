import { isIP } from 'node:net';
import type { ServicePortSpec } from '../model/istio.js';
import type { RegistryInstance, RegistryService } from '../model/registry.js';
import { isServableHost } from './naming.js';
import { istioProtocol, portNamePrefix } from './protocol.js';
import { warning, type ConvertWarning } from './warnings.js';
import { compareStrings } from '../util/compare.js';

/** One instance after validation, with its Istio protocol resolved. */
export interface ValidInstance {
  readonly instance: RegistryInstance;
  readonly protocol: string;
}

/** Instances grouped by address: one workload may listen on several ports. */
export interface Workload {
  readonly address: string;
  /** Healthy ports of this address, sorted by number. */
  readonly ports: readonly ValidInstance[];
}

export interface PortPlan {
  readonly ports: ServicePortSpec[];
  readonly workloads: Workload[];
  /** True when any instance address is a host name (ServiceEntry resolution DNS). */
  readonly needsDns: boolean;
  readonly warnings: ConvertWarning[];
}

export function planPorts(service: RegistryService): PortPlan {
  const warnings: ConvertWarning[] = [];
  const valid = validInstances(service, warnings);

  // Service ports come from every valid instance, healthy or not, so a health
  // flip never changes the port list (and so never forces a full push).
  const byNumber = new Map<number, Map<string, number>>();
  for (const v of valid) {
    const counts = byNumber.get(v.instance.port) ?? new Map<string, number>();
    counts.set(v.protocol, (counts.get(v.protocol) ?? 0) + 1);
    byNumber.set(v.instance.port, counts);
  }
  const ports: ServicePortSpec[] = [];
  const protocolOf = new Map<number, string>();
  for (const number of [...byNumber.keys()].sort((a, b) => a - b)) {
    const counts = [...byNumber.get(number)!.entries()].sort(
      (a, b) => b[1] - a[1] || compareStrings(a[0], b[0]),
    );
    const protocol = counts[0]![0];
    if (counts.length > 1) {
      warnings.push(
        warning(
          'PORT_PROTOCOL_CONFLICT',
          `port ${number} is announced as ${counts.map((c) => c[0]).join(' and ')}; serving it as ${protocol}`,
        ),
      );
    }
    protocolOf.set(number, protocol);
    ports.push({ number, protocol, name: `${portNamePrefix(protocol)}-${number}` });
  }
  if (new Set(protocolOf.values()).size > 1) {
    warnings.push(
      warning(
        'MIXED_PROTOCOLS',
        `instances use several protocols (${[...new Set(protocolOf.values())].sort().join(', ')}); ` +
          'each endpoint serves every port, mapped to its own port of the same protocol where it has one',
      ),
    );
  }

  const healthy = new Map<string, ValidInstance[]>();
  for (const v of valid) {
    if (!v.instance.healthy) continue;
    const list = healthy.get(v.instance.address) ?? [];
    if (!list.some((x) => x.instance.port === v.instance.port)) list.push(v);
    healthy.set(v.instance.address, list);
  }
  const workloads = [...healthy.entries()]
    .sort((a, b) => compareStrings(a[0], b[0]))
    .map(([address, list]) => ({
      address,
      ports: list
        .map((v) => ({ ...v, protocol: protocolOf.get(v.instance.port) ?? v.protocol }))
        .sort((a, b) => a.instance.port - b.instance.port),
    }));
  const needsDns = valid.some((v) => isIP(v.instance.address) === 0);
  return { ports, workloads, needsDns, warnings };
}

/**
 * The port each service port reaches on one workload: the same number if the
 * workload listens there, else its lowest port of the same protocol, else its
 * lowest port. Keys sorted.
 */
export function endpointPorts(ports: readonly ServicePortSpec[], workload: Workload): Record<string, number> {
  const own = workload.ports;
  const byName = (a: ServicePortSpec, b: ServicePortSpec): number => compareStrings(a.name, b.name);
  // Callers that convert many endpoints pass the ports sorted already: no copy and sort per endpoint.
  const sorted = ports.every((p, i) => i === 0 || byName(ports[i - 1]!, p) <= 0)
    ? ports
    : [...ports].sort(byName);
  return Object.fromEntries(
    sorted.map((p) => {
      const same = own.find((v) => v.instance.port === p.number);
      const sameProto = own.find((v) => v.protocol === p.protocol);
      return [p.name, (same ?? sameProto ?? own[0]!).instance.port];
    }),
  );
}

function validInstances(service: RegistryService, warnings: ConvertWarning[]): ValidInstance[] {
  const out: ValidInstance[] = [];
  // Canonical order first: the registry's order must not decide which of two
  // instances on one address and port is served, so a re-listing in another
  // order converts to the same bytes.
  for (const instance of [...service.instances].sort(compareInstances)) {
    // Only a warning needs the text.
    const where = (): string =>
      `instance ${instance.id ?? `${String(instance.address)}:${String(instance.port)}`}`;
    if (!Number.isInteger(instance.port) || instance.port < 1 || instance.port > 65535) {
      warnings.push(
        warning('INSTANCE_INVALID', `${where()}: port ${String(instance.port)} is not 1-65535; skipped`),
      );
      continue;
    }
    const address = servableAddress(instance.address);
    if ('problem' in address) {
      warnings.push(warning('INSTANCE_INVALID', `${where()}: ${address.problem}; skipped`));
      continue;
    }
    const requested = instance.protocol ?? service.protocol ?? 'tcp';
    let protocol = istioProtocol(requested);
    if (!protocol) {
      warnings.push(
        warning(
          'PROTOCOL_UNKNOWN',
          `${where()}: protocol "${String(requested)}" is unknown to Istio; using TCP`,
        ),
      );
      protocol = 'TCP';
    }
    out.push({
      instance: address.value === instance.address ? instance : { ...instance, address: address.value },
      protocol,
    });
  }
  return out;
}

/**
 * The address as istiod accepts it on an endpoint: an IP without a zone, or
 * a host name (lower case, no trailing dot; the service then resolves by DNS).
 */
function servableAddress(address: unknown): { value: string } | { problem: string } {
  if (typeof address !== 'string') return { problem: `address ${String(address)} is not text` };
  if (address.includes('%')) {
    return {
      problem: `address ${JSON.stringify(address)} is zone-scoped (a zone only means something on its own host)`,
    };
  }
  if (isIP(address) !== 0) return { value: address };
  const shown = JSON.stringify(address);
  // A fully qualified host name may end in a dot; Istio wants it without.
  const host = address.replace(/\.$/, '').toLowerCase();
  if (/^[0-9.]+$/.test(host)) return { problem: `address ${shown} is not a valid IPv4 address` };
  if (!isServableHost(host)) return { problem: `address ${shown} is neither an IP nor a host name` };
  return { value: host };
}

function compareInstances(a: RegistryInstance, b: RegistryInstance): number {
  return (
    compareStrings(String(a.address), String(b.address)) ||
    compareNumbers(a.port, b.port) ||
    compareStrings(canonicalJson(a), canonicalJson(b))
  );
}

/** Orders every number, NaN included (after the others), so the sort is total. */
function compareNumbers(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number(Number.isNaN(a)) - Number(Number.isNaN(b));
  return a < b ? -1 : a > b ? 1 : 0;
}

/** JSON with object keys sorted at every level. */
function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort((x, y) => compareStrings(x[0], y[0])))
      : value,
  );
}

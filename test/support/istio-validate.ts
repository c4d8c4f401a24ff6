/**
 * Test support: the ServiceEntry / WorkloadEntry checks istiod applies to a
 * config it receives (Istio's pkg/config/validation: ValidateServiceEntry,
 * validateWorkloadEntry, agent.ValidateWildcardDomain / ValidateFQDN,
 * labels.Instance.Validate), written from those rules for the converters'
 * tests. Only errors are reported (Istio's warnings do not reject a config).
 *
 * Two rules are stricter than istiod, because the bridge promises them:
 * a zone-scoped IPv6 address (`fe80::1%eth0`) is refused (Go's netip accepts
 * it, but a zone means nothing off its own host), and a label value is at
 * most 63 characters (Kubernetes' limit; Istio's regex has none). Object
 * names are checked as Kubernetes names (DNS-1123 subdomain, namespace a
 * DNS-1123 label), since istiod keys its config by them.
 */
import { isIP } from 'node:net';
import type {
  IstioResource,
  ServiceEntryResource,
  WorkloadEntryResource,
  WorkloadEntrySpec,
} from '../../src/model/istio.js';

const DNS1123_LABEL = /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const WILDCARD_LABEL = /^(\*|(\*|\*-)?[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?)$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_PREFIX = /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?)*$/;
/** Istio's protocol.Parse, lower-cased; anything else is "unsupported protocol". */
const PROTOCOLS = new Set([
  'tcp',
  'udp',
  'grpc',
  'grpc-web',
  'http',
  'http_proxy',
  'http2',
  'https',
  'tls',
  'mongo',
  'redis',
  'mysql',
  'doublehbone',
]);
const RESOLUTIONS = new Set(['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN', 'DYNAMIC_DNS']);
const LOCATIONS = new Set(['MESH_EXTERNAL', 'MESH_INTERNAL']);
const UNIX_PREFIX = 'unix://';
const UINT32_MAX = 2 ** 32 - 1;

export function isDns1123Label(s: string): boolean {
  return s.length <= 63 && DNS1123_LABEL.test(s);
}

/** An IP istiod can use anywhere: what Go's netip.ParseAddr accepts, minus zones. */
export function isPlainIp(s: string): boolean {
  return !s.includes('%') && isIP(s) !== 0;
}

/** Istio's ValidateDNS1123Labels: every label a DNS-1123 label, the last not all digits. */
function dns1123LabelsProblem(domain: string): string | undefined {
  const parts = domain.split('.');
  const top = parts[parts.length - 1]!;
  if (/^[0-9]+$/.test(top))
    return `domain name "${domain}" invalid (top level domain "${top}" is all-numeric)`;
  for (const [i, label] of parts.entries()) {
    if (i === parts.length - 1 && label === '') return undefined; // `istio.io.`
    if (!isDns1123Label(label)) return `domain name "${domain}" invalid (label "${label}" invalid)`;
  }
  return undefined;
}

function preconditionsProblem(name: string): string | undefined {
  if (name.length > 255) return `domain name "${name}" too long (max 255)`;
  if (name.length === 0) return 'empty domain name not allowed';
  return undefined;
}

/** Istio's agent.ValidateFQDN. */
export function fqdnProblem(fqdn: string): string | undefined {
  return preconditionsProblem(fqdn) ?? dns1123LabelsProblem(fqdn);
}

/** Istio's agent.ValidateWildcardDomain: a wildcard is allowed in the first label only. */
export function wildcardDomainProblem(domain: string): string | undefined {
  const pre = preconditionsProblem(domain);
  if (pre) return pre;
  const dot = domain.indexOf('.');
  const first = dot < 0 ? domain : domain.slice(0, dot);
  if (!(first.length <= 63 && WILDCARD_LABEL.test(first)))
    return `domain name "${domain}" invalid (label "${first}" invalid)`;
  return dot < 0 ? undefined : dns1123LabelsProblem(domain.slice(dot + 1));
}

/** Kubernetes label key: optional DNS prefix (at most 253) and '/', then a qualified name (at most 63). */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !LABEL_PREFIX.test(prefix)))
    return `invalid label key "${key}" (prefix)`;
  if (name.length > 63 || !QUALIFIED_NAME.test(name)) return `invalid label key "${key}"`;
  return undefined;
}

export function labelValueProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `label value ${String(value)} is not a string`;
  if (value === '') return undefined;
  if (value.length > 63 || !QUALIFIED_NAME.test(value)) return `invalid label value "${value}"`;
  return undefined;
}

function labelsProblems(labels: Readonly<Record<string, unknown>> | undefined, where: string): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    const p = labelKeyProblem(k) ?? labelValueProblem(v);
    if (p) out.push(`${where}: ${p}`);
  }
  return out;
}

function portProblem(n: unknown, what: string): string | undefined {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535)
    return `${what} ${String(n)} must be in the range 1..65535`;
  return undefined;
}

/** Istio's validateWorkloadEntry, plus the value ranges the protobuf fields impose. */
function endpointProblems(
  we: WorkloadEntrySpec,
  servicePorts: ReadonlySet<string> | undefined,
  allowFqdn: boolean,
  where: string,
): string[] {
  const out: string[] = [];
  const addr = we.address;
  if (typeof addr !== 'string') return [`${where}: address is not a string`];
  if (addr === '' && (we.network === undefined || we.network === ''))
    out.push(`${where}: address is required`);
  if (addr.startsWith(UNIX_PREFIX)) {
    if (we.ports && Object.keys(we.ports).length > 0)
      out.push(`${where}: unix endpoint ${addr} must not include ports`);
  } else if (addr !== '' && !isPlainIp(addr)) {
    if (!allowFqdn) out.push(`${where}: endpoint address "${addr}" is not a valid IP address`);
    else if (fqdnProblem(addr))
      out.push(`${where}: endpoint address "${addr}" is not a valid FQDN or an IP address`);
  }
  for (const [name, port] of Object.entries(we.ports ?? {})) {
    if (servicePorts && !servicePorts.has(name))
      out.push(`${where}: endpoint port ${name}=${port} is not defined by the service entry`);
    if (!isDns1123Label(name)) out.push(`${where}: invalid port name: ${name}`);
    const p = portProblem(port, `${where}: port`);
    if (p) out.push(p);
  }
  out.push(...labelsProblems(we.labels, `${where} labels`));
  if (we.weight !== undefined && (!Number.isInteger(we.weight) || we.weight < 0 || we.weight > UINT32_MAX))
    out.push(`${where}: weight ${we.weight} is not a uint32`);
  for (const f of ['network', 'locality', 'serviceAccount'] as const) {
    if (we[f] !== undefined && typeof we[f] !== 'string') out.push(`${where}: ${f} is not a string`);
  }
  return out;
}

function metadataProblems(r: IstioResource): string[] {
  const out: string[] = [];
  if (!(r.name.length <= 253 && r.name.split('.').every(isLowerDnsLabel)))
    out.push(`metadata.name "${r.name}" is not a DNS-1123 subdomain`);
  if (!isLowerDnsLabel(r.namespace)) out.push(`metadata.namespace "${r.namespace}" is not a DNS-1123 label`);
  out.push(...labelsProblems(r.labels, 'metadata.labels'));
  return out;
}

function isLowerDnsLabel(s: string): boolean {
  return isDns1123Label(s) && s === s.toLowerCase();
}

/** Istio's ValidateServiceEntry (errors only). */
export function serviceEntryProblems(r: ServiceEntryResource): string[] {
  const se = r.spec;
  const out = metadataProblems(r);
  const selector = se.workloadSelector;
  if (selector) {
    for (const [k, v] of Object.entries(selector.labels)) {
      if (k === '') out.push(`empty key is not supported in selector: "${k}=${v}"`);
      if (k.includes('*') || v.includes('*')) out.push(`wildcard is not supported in selector: "${k}=${v}"`);
    }
  }
  const endpoints = se.endpoints ?? [];
  if (selector && endpoints.length > 0)
    out.push('only one of WorkloadSelector or Endpoints is allowed in Service Entry');
  if (se.hosts.length === 0) out.push('service entry must have at least one host');
  for (const host of se.hosts) {
    if (host === '*') out.push('invalid host *');
    else {
      const p = wildcardDomainProblem(host);
      if (p) out.push(p);
    }
  }
  for (const a of se.addresses ?? []) {
    const slash = a.indexOf('/');
    const ip = slash < 0 ? a : a.slice(0, slash);
    const bits = slash < 0 ? undefined : a.slice(slash + 1);
    const max = isIP(ip) === 6 ? 128 : 32;
    if (!isPlainIp(ip) || (bits !== undefined && !(/^[0-9]+$/.test(bits) && Number(bits) <= max)))
      out.push(`address "${a}" is not a valid IP or CIDR`);
  }
  if (!LOCATIONS.has(se.location)) out.push(`unknown location ${String(se.location)}`);
  if (!RESOLUTIONS.has(se.resolution)) out.push(`unknown resolution ${String(se.resolution)}`);

  const names = new Set<string>();
  const numbers = new Set<number>();
  for (const port of se.ports) {
    if (names.has(port.name)) out.push(`service entry port name "${port.name}" already defined`);
    if (numbers.has(port.number)) out.push(`service entry port ${port.number} already defined`);
    names.add(port.name);
    numbers.add(port.number);
    if (port.targetPort !== undefined && port.targetPort !== 0) {
      const p = portProblem(port.targetPort, 'target port');
      if (p) out.push(p);
    }
    if (!isDns1123Label(port.name)) out.push(`invalid port name: ${port.name}`);
    if (port.protocol !== '' && !PROTOCOLS.has(port.protocol.toLowerCase()))
      out.push(`unsupported protocol: ${port.protocol}`);
    const p = portProblem(port.number, 'port number');
    if (p) out.push(p);
  }

  switch (se.resolution) {
    case 'NONE':
      if (endpoints.length > 0) out.push('no endpoints should be provided for resolution type none');
      break;
    case 'STATIC':
      endpoints.forEach((ep, i) => out.push(...endpointProblems(ep, names, false, `endpoints[${i}]`)));
      break;
    case 'DNS':
    case 'DNS_ROUND_ROBIN':
      if (endpoints.length === 0) {
        const bad = se.hosts.find((h) => fqdnProblem(h) !== undefined);
        if (bad !== undefined)
          out.push(`hosts must be FQDN if no endpoints are provided for resolution mode ${se.resolution}`);
      }
      if (se.resolution === 'DNS_ROUND_ROBIN' && endpoints.length > 1)
        out.push(`there must only be 0 or 1 endpoint for resolution mode ${se.resolution}`);
      endpoints.forEach((ep, i) => {
        const where = `endpoints[${i}]`;
        if (!isPlainIp(ep.address) && fqdnProblem(ep.address))
          out.push(`${where}: endpoint address "${ep.address}" is not a valid FQDN or an IP address`);
        out.push(...labelsProblems(ep.labels, `${where} labels`));
        for (const [name, port] of Object.entries(ep.ports ?? {})) {
          if (!names.has(name))
            out.push(`${where}: endpoint port ${name}=${port} is not defined by the service entry`);
          if (!isDns1123Label(name)) out.push(`${where}: invalid port name: ${name}`);
          const p = portProblem(port, `${where}: port`);
          if (p) out.push(p);
        }
      });
      break;
    default:
      break;
  }
  return out;
}

/** Istio's ValidateWorkloadEntry (a host name address is allowed: the ServiceEntry may resolve by DNS). */
export function workloadEntryProblems(r: WorkloadEntryResource): string[] {
  return [...metadataProblems(r), ...endpointProblems(r.spec, undefined, true, 'spec')];
}

/** Every reason istiod would reject `r`; empty when it accepts it. */
export function istioProblems(r: IstioResource): string[] {
  return r.kind === 'ServiceEntry' ? serviceEntryProblems(r) : workloadEntryProblems(r);
}

/**
 * Application-level instances: `/services/<app>/<id>` holds Curator
 * x-discovery JSON. Dubbo (Java) writes `payload` with `@class` and a
 * `metadata` map; dubbo-go writes a plain map without `@class`, `sslPort`,
 * `serviceType` or `uriSpec`. Every protocol and port is listed in
 * `payload.metadata["dubbo.endpoints"]`, itself a JSON string.
 */
import { isIP } from 'node:net';

/** Largest instance JSON read (ZooKeeper's own limit is 1 MB). */
export const MAX_INSTANCE_BYTES = 256 * 1024;
/** Most endpoints and metadata entries kept from one instance. */
export const MAX_ENDPOINTS = 64;
export const MAX_METADATA_ENTRIES = 256;

export interface DubboEndpoint {
  readonly protocol: string;
  readonly port: number;
}

export interface CuratorInstance {
  readonly name: string;
  readonly id: string;
  readonly address: string;
  /** From `dubbo.endpoints`, or the top-level `port` (protocol unknown) when that is missing. */
  readonly endpoints: readonly DubboEndpoint[];
  /** `payload.metadata`, string values only. */
  readonly metadata: ReadonlyMap<string, string>;
}

export type InstanceResult =
  { readonly instance: CuratorInstance; readonly warnings: readonly string[] } | { readonly error: string };

type Json = Readonly<Record<string, unknown>>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function validPort(v: unknown): number | undefined {
  const n = typeof v === 'string' && /^\d{1,5}$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535 ? n : undefined;
}

/** Parses the data of one instance znode. Pure; never throws. */
export function parseCuratorInstance(data: Buffer): InstanceResult {
  if (data.length === 0) return { error: 'the node holds no data' };
  if (data.length > MAX_INSTANCE_BYTES) {
    return { error: `${data.length} bytes of JSON is more than ${MAX_INSTANCE_BYTES}` };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(data.toString('utf8'));
  } catch (err) {
    return { error: `not JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  if (!isObject(doc)) return { error: 'the JSON is not an object' };
  const warnings: string[] = [];
  const payload = isObject(doc.payload) ? doc.payload : undefined;
  const name =
    typeof doc.name === 'string' ? doc.name : typeof payload?.name === 'string' ? payload.name : '';
  const address = typeof doc.address === 'string' ? doc.address.trim().replace(/^\[(.*)\]$/, '$1') : '';
  if (address === '') return { error: 'no "address"' };
  if (isIP(address) === 0 && !/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i.test(address)) {
    return { error: `address "${address.slice(0, 80)}" is not an IP or host name` };
  }
  const id = typeof doc.id === 'string' && doc.id !== '' ? doc.id : `${address}:${String(doc.port)}`;
  const metadata = new Map<string, string>();
  const rawMeta = payload && isObject(payload.metadata) ? payload.metadata : undefined;
  if (rawMeta) {
    for (const [k, v] of Object.entries(rawMeta)) {
      if (typeof v !== 'string' || k === '') continue;
      if (metadata.size >= MAX_METADATA_ENTRIES) {
        warnings.push(`more than ${MAX_METADATA_ENTRIES} metadata entries; the rest ignored`);
        break;
      }
      metadata.set(k, v);
    }
  }
  const endpoints = parseEndpoints(metadata.get('dubbo.endpoints'), warnings);
  if (endpoints.length === 0) {
    const port = validPort(doc.port);
    if (port === undefined) return { error: 'no "dubbo.endpoints" and no valid "port"' };
    endpoints.push({ protocol: '', port });
  }
  return { instance: { name, id, address: address.toLowerCase(), endpoints, metadata }, warnings };
}

function parseEndpoints(text: string | undefined, warnings: string[]): DubboEndpoint[] {
  const out: DubboEndpoint[] = [];
  if (text === undefined) return out;
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    warnings.push('"dubbo.endpoints" is not JSON; using "port"');
    return out;
  }
  if (!Array.isArray(list)) {
    warnings.push('"dubbo.endpoints" is not a list; using "port"');
    return out;
  }
  const seen = new Set<string>();
  for (const e of list) {
    if (out.length >= MAX_ENDPOINTS) {
      warnings.push(`more than ${MAX_ENDPOINTS} endpoints; the rest ignored`);
      break;
    }
    const port = isObject(e) ? validPort(e.port) : undefined;
    const protocol = isObject(e) && typeof e.protocol === 'string' ? e.protocol.trim().toLowerCase() : '';
    if (port === undefined || protocol === '') {
      warnings.push(`endpoint ${JSON.stringify(e).slice(0, 80)} has no valid port and protocol; ignored`);
      continue;
    }
    const key = `${protocol}:${port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ protocol, port });
  }
  return out;
}

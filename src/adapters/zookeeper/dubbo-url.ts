/**
 * Dubbo provider URLs as they appear in ZooKeeper: the child names of
 * `<root>/<interface>/providers` are `URL.encode(url.toFullString())`, i.e.
 * Java's URLEncoder (UTF-8, a space written `+`), of a URL such as
 * `dubbo://10.0.0.1:20880/org.example.Api?application=a&group=g&version=1.0`.
 */
import { isIP } from 'node:net';

/** Longest encoded child name read; longer ones are skipped as bad input (Dubbo's are a few KB). */
export const MAX_ENCODED_URL_LENGTH = 64 * 1024;
/** Most parameters kept from one URL. */
export const MAX_URL_PARAMETERS = 256;

export interface DubboUrl {
  /** Lower case, e.g. `dubbo`, `tri`, `rest`. */
  readonly protocol: string;
  /** IP (IPv6 without brackets) or host name. */
  readonly host: string;
  readonly port: number;
  /** The path without its leading '/', usually the interface name. */
  readonly path: string;
  readonly params: ReadonlyMap<string, string>;
  /** The decoded URL with any user:password removed (safe to log and show). */
  readonly display: string;
}

export type UrlResult = { readonly url: DubboUrl } | { readonly error: string };

/**
 * Java's URLDecoder: `+` is a space, `%XX` sequences are UTF-8 bytes.
 * Returns undefined for a broken escape or bytes that are not UTF-8.
 */
export function javaUrlDecode(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

const PROTOCOL = /^[a-z][a-z0-9+.-]*$/;
const HOST_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/i;

/** Parses one child name of a providers folder. Pure; never throws. */
export function parseProviderNode(childName: string): UrlResult {
  if (childName.length > MAX_ENCODED_URL_LENGTH) {
    return { error: `URL of ${childName.length} characters is longer than ${MAX_ENCODED_URL_LENGTH}` };
  }
  const decoded = javaUrlDecode(childName);
  if (decoded === undefined) return { error: 'not valid URL encoding (bad %XX escape or not UTF-8)' };
  return parseDubboUrl(decoded);
}

/** Parses a decoded Dubbo URL: `protocol://[user[:password]@]host:port[/path][?k=v&...]`. */
export function parseDubboUrl(text: string): UrlResult {
  const sep = text.indexOf('://');
  if (sep <= 0) return { error: 'no protocol (expected protocol://host:port/...)' };
  const protocol = text.slice(0, sep).toLowerCase();
  if (!PROTOCOL.test(protocol))
    return { error: `protocol "${clip(text.slice(0, sep))}" is not a URL scheme` };
  let rest = text.slice(sep + 3);
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  const slash = rest.indexOf('/');
  let authority = slash >= 0 ? rest.slice(0, slash) : rest;
  const path = slash >= 0 ? rest.slice(slash + 1) : '';
  const at = authority.lastIndexOf('@');
  const credentials = at >= 0;
  if (credentials) authority = authority.slice(at + 1);
  const hostPort = splitHostPort(authority);
  if ('error' in hostPort) return hostPort;
  const params = parseQuery(query);
  if ('error' in params) return params;
  const host = hostPort.host.includes(':') ? `[${hostPort.host}]` : hostPort.host;
  const display = credentials
    ? `${protocol}://${host}:${hostPort.port}${slash >= 0 ? `/${path}` : ''}${q >= 0 ? `?${query}` : ''}`
    : text;
  return {
    url: { protocol, host: hostPort.host, port: hostPort.port, path, params: params.params, display },
  };
}

function splitHostPort(authority: string): { host: string; port: number } | { error: string } {
  let host: string;
  let portText: string;
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close < 0 || authority[close + 1] !== ':')
      return { error: `address "${clip(authority)}" is not [ipv6]:port` };
    host = authority.slice(1, close);
    portText = authority.slice(close + 2);
    if (isIP(host) !== 6) return { error: `"${clip(host)}" is not an IPv6 address` };
  } else {
    const colon = authority.lastIndexOf(':');
    if (colon <= 0) return { error: `address "${clip(authority)}" has no port` };
    host = authority.slice(0, colon);
    portText = authority.slice(colon + 1);
    // An IPv6 address without brackets (written by some clients): the last colon starts the port.
    if (host.includes(':') && isIP(host) !== 6) {
      return { error: `address "${clip(authority)}" is neither host:port nor [ipv6]:port` };
    }
    if (isIP(host) === 0 && !HOST_NAME.test(host))
      return { error: `host "${clip(host)}" is not an IP or host name` };
  }
  if (!/^\d{1,5}$/.test(portText)) return { error: `port "${clip(portText)}" is not a number` };
  const port = Number(portText);
  if (port < 1 || port > 65535) return { error: `port ${port} is not from 1 to 65535` };
  return { host: host.replace(/\.$/, '').toLowerCase(), port };
}

function parseQuery(query: string): { params: Map<string, string> } | { error: string } {
  const params = new Map<string, string>();
  if (query === '') return { params };
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = (eq >= 0 ? pair.slice(0, eq) : pair).trim();
    const value = eq >= 0 ? pair.slice(eq + 1).trim() : '';
    if (key === '') continue;
    if (params.size >= MAX_URL_PARAMETERS && !params.has(key)) {
      return { error: `more than ${MAX_URL_PARAMETERS} parameters` };
    }
    params.set(key, value);
  }
  return { params };
}

function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

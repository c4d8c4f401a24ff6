import { isLoopbackHost } from '../kit/loopback.js';
import { BridgeError, errorMessage } from '../../errors.js';
import { AbortedError } from '../kit/aborted.js';
import { HttpGetter, redactAddress } from '../kit/http-get.js';
import type { SecretSource } from '../kit/secret.js';
import type { TlsMaterial } from '../kit/tls.js';

export { redactAddress };

export type ConsulTls = TlsMaterial;

/** Where the ACL token comes from; `reload` re-reads a tokenFile after a 403. */
export type TokenSource = SecretSource;

export interface ConsulClientOptions {
  readonly address: string;
  readonly token: TokenSource;
  readonly tls?: ConsulTls;
  /** Cap on open sockets to Consul (requests beyond it queue in the agent). */
  readonly maxSockets: number;
}

export interface QueryOptions {
  readonly signal: AbortSignal;
  readonly dc?: string;
  /** Blocking index; 0 or undefined asks for an immediate answer. */
  readonly index?: bigint;
  /** Blocking wait in ms (sent only with a non-zero index). */
  readonly waitMs?: number;
  readonly stale?: boolean;
  readonly ns?: string;
  readonly partition?: string;
  /** Timeout of a non-blocking request (default 30 s). */
  readonly timeoutMs?: number;
}

export interface ConsulResponse {
  readonly body: unknown;
  /** Raw `X-Consul-Index` header. */
  readonly index: string | undefined;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;
const PLAIN_TIMEOUT_MS = 30_000;
const ERROR_TEXT_LIMIT = 300;

/**
 * A minimal read-only Consul HTTP API client on node:http/https: blocking
 * queries (index, wait, stale), ACL token header, TLS, AbortSignal, a socket
 * cap, and errors mapped to BridgeError codes. The token only ever goes into
 * the X-Consul-Token header; it is never part of a message.
 */
export class ConsulClient {
  private readonly base: URL;
  private readonly http: HttpGetter;
  /** The address without user:password, for messages. */
  readonly address: string;

  /** The agent is on this host: answers are asked for uncompressed. */
  private readonly local: boolean;

  constructor(private readonly opts: ConsulClientOptions) {
    this.base = new URL(opts.address.endsWith('/') ? opts.address : `${opts.address}/`);
    this.address = redactAddress(opts.address);
    this.local = isLoopbackHost(this.base.hostname);
    this.http = new HttpGetter({
      label: 'Consul',
      address: this.address,
      secure: this.base.protocol === 'https:',
      tls: opts.tls,
      maxSockets: opts.maxSockets,
      maxBodyBytes: MAX_BODY_BYTES,
      tooLarge: (path) =>
        new BridgeError(
          'IRB_CONSUL_BAD_RESPONSE',
          `Consul at ${this.address} answered ${path} with more than ${MAX_BODY_BYTES} bytes`,
        ),
    });
  }

  /** GET `path` (e.g. `v1/catalog/services`) and parse the JSON answer. */
  async get(path: string, q: QueryOptions): Promise<ConsulResponse> {
    if (q.signal.aborted) throw new AbortedError();
    const url = new URL(path, this.base);
    if (q.dc !== undefined) url.searchParams.set('dc', q.dc);
    if (q.ns !== undefined) url.searchParams.set('ns', q.ns);
    if (q.partition !== undefined) url.searchParams.set('partition', q.partition);
    if (q.stale) url.searchParams.set('stale', '');
    const blocking = q.index !== undefined && q.index > 0n;
    if (blocking) {
      url.searchParams.set('index', q.index.toString());
      if (q.waitMs !== undefined) url.searchParams.set('wait', `${Math.max(1, Math.round(q.waitMs))}ms`);
    }
    // Consul adds up to wait/16 of jitter to a blocking answer.
    const timeoutMs =
      blocking && q.waitMs !== undefined
        ? q.waitMs + q.waitMs / 16 + 10_000
        : (q.timeoutMs ?? PLAIN_TIMEOUT_MS);
    const res = await this.request(url, q.dc, timeoutMs, q.signal);
    if (res.status === 403 || res.status === 401) this.opts.token.reload();
    if (res.status !== 200) throw this.statusError(res.status, res.text, url.pathname, q.dc);
    let body: unknown;
    try {
      body = JSON.parse(res.text);
    } catch (err) {
      throw new BridgeError(
        'IRB_CONSUL_BAD_RESPONSE',
        `Consul at ${this.address} answered ${url.pathname} with invalid JSON: ${errorMessage(err)}`,
      );
    }
    return { body, index: res.index };
  }

  close(): void {
    this.http.close();
  }

  private async request(
    url: URL,
    dc: string | undefined,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<{ status: number; text: string; index: string | undefined }> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': 'istio-registry-bridge',
    };
    // Compression pays over a network; to an agent on this host it only costs CPU on both ends.
    if (!this.local) headers['accept-encoding'] = 'gzip';
    const token = this.opts.token.current();
    if (token !== undefined) headers['x-consul-token'] = token;
    const where = dc === undefined ? '' : ` (datacenter ${dc})`;
    const res = await this.http.get(url, { headers, timeoutMs, signal, where });
    const index = res.headers['x-consul-index'];
    return { status: res.status, text: res.text, index: Array.isArray(index) ? index[0] : index };
  }

  private statusError(status: number, text: string, path: string, dc: string | undefined): BridgeError {
    const detail = text.trim().slice(0, ERROR_TEXT_LIMIT) || '(no body)';
    const at = `Consul at ${this.address}`;
    if (status === 403 || status === 401) {
      return new BridgeError(
        'IRB_REGISTRY_AUTH',
        `${at} refused ${path} (${status} ${detail}): check the registry's token/tokenFile; the ACL token needs read access to services and nodes`,
      );
    }
    if (/no path to datacenter/i.test(detail)) {
      return new BridgeError(
        'IRB_CONSUL_UNKNOWN_DATACENTER',
        `${at} knows no datacenter "${dc ?? '?'}" (${detail}): check the registry's "datacenters" list`,
      );
    }
    if (status === 400) {
      const hint = /namespace|partition|"ns"/i.test(detail)
        ? ': consulNamespace and partition need Consul Enterprise (leave them out for Consul OSS)'
        : '';
      return new BridgeError('IRB_CONSUL_BAD_REQUEST', `${at} rejected ${path} (400 ${detail})${hint}`);
    }
    return new BridgeError('IRB_REGISTRY_UNREACHABLE', `${at} answered ${path} with ${status}: ${detail}`);
  }
}

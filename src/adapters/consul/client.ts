import http from 'node:http';
import https from 'node:https';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { BridgeError, errorMessage } from '../../errors.js';
import { AbortedError } from '../kit/aborted.js';
import type { SecretSource } from '../kit/secret.js';
import type { TlsMaterial } from '../kit/tls.js';

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
  private readonly agent: http.Agent;
  private readonly secure: boolean;
  /** The address without user:password, for messages. */
  readonly address: string;

  constructor(private readonly opts: ConsulClientOptions) {
    this.base = new URL(opts.address.endsWith('/') ? opts.address : `${opts.address}/`);
    this.secure = this.base.protocol === 'https:';
    this.address = redactAddress(opts.address);
    const agentOptions = { keepAlive: true, maxSockets: opts.maxSockets, maxFreeSockets: 16 };
    this.agent = this.secure
      ? new https.Agent({
          ...agentOptions,
          ca: opts.tls?.ca,
          cert: opts.tls?.cert,
          key: opts.tls?.key,
          rejectUnauthorized: opts.tls?.rejectUnauthorized ?? true,
        })
      : new http.Agent(agentOptions);
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
      blocking && q.waitMs !== undefined ? q.waitMs + q.waitMs / 16 + 10_000 : PLAIN_TIMEOUT_MS;
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
    this.agent.destroy();
  }

  private request(
    url: URL,
    dc: string | undefined,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<{ status: number; text: string; index: string | undefined }> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'accept-encoding': 'gzip',
      'user-agent': 'istio-registry-bridge',
    };
    const token = this.opts.token.current();
    if (token !== undefined) headers['x-consul-token'] = token;
    const send = this.secure ? https.request : http.request;
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        fn();
      };
      const req = send(url, { method: 'GET', headers, agent: this.agent });
      const onAbort = (): void => {
        finish(() => reject(new AbortedError()));
        req.destroy();
      };
      const timer = setTimeout(() => {
        finish(() =>
          reject(
            new BridgeError(
              'IRB_REGISTRY_UNREACHABLE',
              `Consul at ${this.address} did not answer ${url.pathname} within ${Math.round(timeoutMs / 1000)}s`,
            ),
          ),
        );
        req.destroy();
      }, timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      req.on('error', (err) => {
        finish(() => reject(this.networkError(err, dc)));
      });
      req.on('response', (res) => {
        const index = res.headers['x-consul-index'];
        const stream: Readable = res.headers['content-encoding'] === 'gzip' ? res.pipe(createGunzip()) : res;
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) {
            finish(() =>
              reject(
                new BridgeError(
                  'IRB_CONSUL_BAD_RESPONSE',
                  `Consul at ${this.address} answered ${url.pathname} with more than ${MAX_BODY_BYTES} bytes`,
                ),
              ),
            );
            req.destroy();
            return;
          }
          chunks.push(chunk);
        });
        stream.on('error', (err) => finish(() => reject(this.networkError(err, dc))));
        stream.on('end', () =>
          finish(() =>
            resolve({
              status: res.statusCode ?? 0,
              text: Buffer.concat(chunks).toString('utf8'),
              index: Array.isArray(index) ? index[0] : index,
            }),
          ),
        );
      });
      req.end();
    });
  }

  private networkError(err: Error, dc: string | undefined): BridgeError {
    const where = dc === undefined ? '' : ` (datacenter ${dc})`;
    return new BridgeError(
      'IRB_REGISTRY_UNREACHABLE',
      `cannot reach Consul at ${this.address}${where}: ${errorMessage(err)}`,
      { cause: err },
    );
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

/** Drops user:password from a URL so it can be logged. */
export function redactAddress(address: string): string {
  try {
    const u = new URL(address);
    if (u.username === '' && u.password === '') return address;
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(invalid address)';
  }
}

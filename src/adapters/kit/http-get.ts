/**
 * Kit: GET requests to a registry's HTTP API on node:http/https. node:https
 * takes a CA, client certificate and key per agent, which Node 20's fetch
 * cannot do without the undici package; the agent also caps and reuses
 * sockets. Answers may be gzip-encoded; bodies are capped; every request has
 * a timeout and an AbortSignal.
 */
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { BridgeError, errorMessage } from '../../errors.js';
import { onAbort } from './abort-hooks.js';
import { AbortedError } from './aborted.js';
import type { TlsMaterial } from './tls.js';

export interface HttpGetterOptions {
  /** The registry's name in messages, e.g. `Consul`. */
  readonly label: string;
  /** The address in messages (without credentials; see `redactAddress`). */
  readonly address: string;
  /** Whether requests go over TLS (with `tls`, or the system's CAs). */
  readonly secure: boolean;
  readonly tls?: TlsMaterial | undefined;
  /** Cap on open sockets. */
  readonly maxSockets: number;
  /** Largest body accepted (after gzip decoding). */
  readonly maxBodyBytes: number;
  /** The error for a body over the cap (a registry-specific code). */
  readonly tooLarge: (path: string) => BridgeError;
}

export interface GetRequest {
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  /** Added to network-error messages after the address, e.g. ` (datacenter dc2)`. */
  readonly where?: string;
}

export interface GetResponse {
  readonly status: number;
  /** The body, decoded as UTF-8. */
  readonly text: string;
  readonly headers: http.IncomingHttpHeaders;
  /** Bytes received on the wire (before gzip decoding). */
  readonly wireBytes: number;
}

/** One keep-alive agent and the GET requests made through it. */
export class HttpGetter {
  private readonly agent: http.Agent;

  constructor(private readonly o: HttpGetterOptions) {
    const agentOptions = { keepAlive: true, maxSockets: o.maxSockets, maxFreeSockets: 16 };
    this.agent = o.secure
      ? new https.Agent({
          ...agentOptions,
          ca: o.tls?.ca,
          cert: o.tls?.cert,
          key: o.tls?.key,
          rejectUnauthorized: o.tls?.rejectUnauthorized ?? true,
        })
      : new http.Agent(agentOptions);
  }

  /**
   * GETs `url`. Rejects with AbortedError when the signal fires, with
   * IRB_REGISTRY_UNREACHABLE on network errors and timeouts, and with
   * `tooLarge` for an oversized body; any HTTP status resolves.
   */
  get(url: URL, r: GetRequest): Promise<GetResponse> {
    if (r.signal.aborted) return Promise.reject(new AbortedError());
    const send = this.o.secure ? https.request : http.request;
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        off();
        fn();
      };
      const req = send(url, { method: 'GET', headers: r.headers, agent: this.agent });
      const timer = setTimeout(() => {
        finish(() =>
          reject(
            new BridgeError(
              'IRB_REGISTRY_UNREACHABLE',
              `${this.o.label} at ${this.o.address} did not answer ${url.pathname} within ${seconds(r.timeoutMs)}`,
            ),
          ),
        );
        req.destroy();
      }, r.timeoutMs);
      const off = onAbort(r.signal, () => {
        finish(() => reject(new AbortedError()));
        req.destroy();
      });
      req.on('error', (err) => finish(() => reject(this.networkError(err, r.where))));
      req.on('response', (res) => {
        let wireBytes = 0;
        res.on('data', (chunk: Buffer) => {
          wireBytes += chunk.length;
        });
        const stream: Readable = res.headers['content-encoding'] === 'gzip' ? res.pipe(createGunzip()) : res;
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > this.o.maxBodyBytes) {
            finish(() => reject(this.o.tooLarge(url.pathname)));
            req.destroy();
            return;
          }
          chunks.push(chunk);
        });
        stream.on('error', (err) => finish(() => reject(this.networkError(err, r.where))));
        stream.on('end', () =>
          finish(() =>
            resolve({
              status: res.statusCode ?? 0,
              text: Buffer.concat(chunks).toString('utf8'),
              headers: res.headers,
              wireBytes,
            }),
          ),
        );
      });
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }

  private networkError(err: Error, where: string | undefined): BridgeError {
    return new BridgeError(
      'IRB_REGISTRY_UNREACHABLE',
      `cannot reach ${this.o.label} at ${this.o.address}${where ?? ''}: ${errorMessage(err)}`,
      { cause: err },
    );
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

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)}s`;
}

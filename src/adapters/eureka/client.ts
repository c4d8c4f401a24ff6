/**
 * A read-only Eureka REST client: `GET /apps` and `GET /apps/delta` as JSON
 * (Eureka answers XML unless asked for JSON), gzip accepted, HTTP basic
 * auth, TLS, and failover over several servers. Built on the kit's
 * node:http getter rather than fetch: Node 20's fetch cannot take a CA or
 * client certificate per client without the undici package.
 */
import { BridgeError, errorMessage } from '../../errors.js';
import { AbortedError } from '../kit/aborted.js';
import { HttpGetter } from '../kit/http-get.js';
import type { SecretSource } from '../kit/secret.js';
import type { TlsMaterial } from '../kit/tls.js';

export interface EurekaClientOptions {
  /** Server base URLs ending in /eureka (no trailing slash), in order of preference. */
  readonly addresses: readonly string[];
  readonly username?: string | undefined;
  /** Read again after a 401/403, so a rotated password is picked up. */
  readonly password?: SecretSource | undefined;
  readonly tls?: TlsMaterial | undefined;
  /** Timeout of a delta request; a full fetch gets at least FULL_TIMEOUT_MS. */
  readonly deltaTimeoutMs: number;
}

export type FetchKind = 'full' | 'delta';

export interface Fetched {
  readonly body: unknown;
  /** The server that answered. */
  readonly server: string;
  /** Bytes received on the wire (gzip-compressed when the server compressed). */
  readonly wireBytes: number;
}

const FULL_TIMEOUT_MS = 30_000;
const MAX_BODY_BYTES = 256 * 1024 * 1024;
const ERROR_TEXT_LIMIT = 300;
/** Which error is reported when every server fails: the one the user must act on first. */
const URGENCY = ['IRB_REGISTRY_AUTH', 'IRB_EUREKA_BAD_RESPONSE', 'IRB_REGISTRY_UNREACHABLE'];

export class EurekaClient {
  private readonly getters: HttpGetter[];
  private current = 0;

  constructor(private readonly o: EurekaClientOptions) {
    this.getters = o.addresses.map(
      (address) =>
        new HttpGetter({
          label: 'Eureka',
          address,
          secure: address.startsWith('https:'),
          tls: o.tls,
          maxSockets: 2,
          maxBodyBytes: MAX_BODY_BYTES,
          tooLarge: (path) =>
            new BridgeError(
              'IRB_EUREKA_BAD_RESPONSE',
              `Eureka at ${address} answered ${path} with more than ${MAX_BODY_BYTES} bytes`,
            ),
        }),
    );
  }

  /** The server asked first (the last one that answered). */
  get server(): string {
    return this.o.addresses[this.current]!;
  }

  /**
   * Fetches the registry (`full`) or the recent changes (`delta`) from the
   * current server, else from the others in order; the first to answer
   * becomes the current one. When all fail, rejects with the most urgent of
   * their errors (the others are in its message).
   */
  async fetch(kind: FetchKind, signal: AbortSignal, timeoutMs?: number): Promise<Fetched> {
    const errors: BridgeError[] = [];
    const n = this.getters.length;
    for (let k = 0; k < n; k++) {
      const index = (this.current + k) % n;
      try {
        const fetched = await this.fetchFrom(index, kind, signal, timeoutMs);
        this.current = index;
        return fetched;
      } catch (err) {
        if (err instanceof AbortedError || signal.aborted) throw new AbortedError();
        errors.push(
          err instanceof BridgeError ? err : new BridgeError('IRB_REGISTRY_UNREACHABLE', errorMessage(err)),
        );
      }
    }
    throw combine(errors);
  }

  /** The liveness probe: a small GET (`/apps/delta`) that some server answers within `timeoutMs`. */
  async probe(signal: AbortSignal, timeoutMs: number): Promise<void> {
    await this.fetch('delta', signal, timeoutMs);
  }

  close(): void {
    for (const g of this.getters) g.close();
  }

  private async fetchFrom(
    index: number,
    kind: FetchKind,
    signal: AbortSignal,
    timeoutOverride?: number,
  ): Promise<Fetched> {
    const address = this.o.addresses[index]!;
    const url = new URL(`${address}/apps${kind === 'delta' ? '/delta' : ''}`);
    const headers: Record<string, string> = {
      accept: 'application/json',
      'accept-encoding': 'gzip',
      'user-agent': 'istio-registry-bridge',
    };
    const password = this.o.password?.current();
    if (this.o.username !== undefined && password !== undefined) {
      headers.authorization = `Basic ${Buffer.from(`${this.o.username}:${password}`).toString('base64')}`;
    }
    const timeoutMs =
      timeoutOverride ??
      (kind === 'full' ? Math.max(FULL_TIMEOUT_MS, this.o.deltaTimeoutMs) : this.o.deltaTimeoutMs);
    const res = await this.getters[index]!.get(url, { headers, timeoutMs, signal });
    if (res.status === 401 || res.status === 403) {
      this.o.password?.reload();
      const hint =
        this.o.username === undefined
          ? 'the server wants credentials: set username and passwordFile'
          : 'check username and passwordFile';
      throw new BridgeError(
        'IRB_REGISTRY_AUTH',
        `Eureka at ${address} refused ${url.pathname} (${res.status}): ${hint}`,
      );
    }
    if (res.status !== 200) {
      const detail = res.text.trim().slice(0, ERROR_TEXT_LIMIT) || '(no body)';
      throw new BridgeError(
        'IRB_REGISTRY_UNREACHABLE',
        `Eureka at ${address} answered ${url.pathname} with ${res.status}: ${detail}`,
      );
    }
    try {
      return { body: JSON.parse(res.text) as unknown, server: address, wireBytes: res.wireBytes };
    } catch (err) {
      throw new BridgeError(
        'IRB_EUREKA_BAD_RESPONSE',
        `Eureka at ${address} answered ${url.pathname} with invalid JSON (${errorMessage(err)}); ` +
          'is the address the /eureka base URL of a Eureka server?',
      );
    }
  }
}

function combine(errors: readonly BridgeError[]): BridgeError {
  const rank = (e: BridgeError): number => {
    const i = URGENCY.indexOf(e.code);
    return i < 0 ? URGENCY.length : i;
  };
  const sorted = [...errors].sort((a, b) => rank(a) - rank(b));
  const first = sorted[0]!;
  if (sorted.length === 1) return first;
  const others = sorted.slice(1).map((e) => e.message);
  return new BridgeError(first.code, `${first.message} (and: ${others.join('; ')})`, { cause: first });
}

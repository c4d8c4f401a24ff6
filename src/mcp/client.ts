import { Client, credentials, type ChannelCredentials, type ClientDuplexStream } from '@grpc/grpc-js';
import { protoTypes } from '../codec/proto.js';
import { DELTA_PATH, SOTW_PATH } from './service-def.js';
import type { AnyMsg } from '../codec/decode.js';

export interface NodeObj {
  id: string;
  metadata?: { fields: Record<string, { stringValue: string }> };
}

export interface DiscoveryRequestObj {
  versionInfo?: string;
  node?: NodeObj;
  resourceNames?: string[];
  typeUrl: string;
  responseNonce?: string;
  errorDetail?: { code: number; message: string };
}

export interface DiscoveryResponseMsg {
  versionInfo: string;
  resources: AnyMsg[];
  typeUrl: string;
  nonce: string;
}

export interface DeltaDiscoveryRequestObj {
  node?: NodeObj;
  typeUrl: string;
  resourceNamesSubscribe?: string[];
  resourceNamesUnsubscribe?: string[];
  initialResourceVersions?: Record<string, string>;
  responseNonce?: string;
  errorDetail?: { code: number; message: string };
}

export interface DeltaResourceMsg {
  version: string;
  resource?: AnyMsg | null;
  name: string;
}

export interface DeltaDiscoveryResponseMsg {
  systemVersionInfo: string;
  resources: DeltaResourceMsg[];
  typeUrl: string;
  nonce: string;
  removedResources: string[];
}

/**
 * A bidirectional ADS stream with a pull-style reader: `next()` resolves with
 * the next response or rejects after a timeout. Used by `watch` and tests.
 */
export class AdsStream<Req, Res> {
  private readonly queue: Res[] = [];
  private readonly waiters: { resolve: (r: Res) => void; reject: (e: Error) => void }[] = [];
  private error: Error | undefined;
  private ended = false;

  constructor(
    private readonly client: Client,
    private readonly call: ClientDuplexStream<Req, Res>,
  ) {
    call.on('data', (res: Res) => {
      const w = this.waiters.shift();
      if (w) w.resolve(res);
      else this.queue.push(res);
    });
    const fail = (err: Error): void => {
      this.error = err;
      for (const w of this.waiters.splice(0)) w.reject(err);
    };
    call.on('error', fail);
    call.on('end', () => {
      this.ended = true;
      fail(new Error('stream ended by the server'));
    });
  }

  send(req: Req): void {
    this.call.write(req);
  }

  /** The next response; rejects after `timeoutMs` or when the stream fails. */
  next(timeoutMs = 5000): Promise<Res> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.error) return Promise.reject(this.error);
    return new Promise((resolve, reject) => {
      const entry = {
        resolve: (r: Res) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(entry);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`no response within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(entry);
    });
  }

  /**
   * For "nothing is sent" assertions: true if the stream stays open and nothing
   * arrives within `ms`, false if a response arrives. A stream that ended or
   * failed (before or during the window) is not silent: that rejects.
   */
  async silentFor(ms: number): Promise<boolean> {
    try {
      await this.next(ms);
      return false;
    } catch {
      if (this.error) throw new Error(`stream closed instead of staying silent: ${this.error.message}`);
      return true;
    }
  }

  get isEnded(): boolean {
    return this.ended;
  }

  close(): void {
    this.call.end();
    this.call.cancel();
    this.client.close();
  }
}

/** How a client reaches the server: plaintext by default, or TLS (optionally with a client certificate). */
export interface ClientTls {
  readonly ca: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  /** Expected server name when it differs from the address's host. */
  readonly serverName?: string;
}

function channelCredentials(tls: ClientTls | undefined): ChannelCredentials {
  if (!tls) return credentials.createInsecure();
  return credentials.createSsl(tls.ca, tls.key ?? null, tls.cert ?? null);
}

function open<Req extends object, Res>(
  address: string,
  delta: boolean,
  tls?: ClientTls,
): AdsStream<Req, Res> {
  const t = protoTypes();
  const client = new Client(address, channelCredentials(tls), {
    'grpc.max_receive_message_length': -1,
    // Its own connection: a stream never rides on another client's (older) TLS session.
    'grpc.use_local_subchannel_pool': 1,
    ...(tls?.serverName !== undefined && { 'grpc.ssl_target_name_override': tls.serverName }),
  });
  const reqType = delta ? t.DeltaDiscoveryRequest : t.DiscoveryRequest;
  const resType = delta ? t.DeltaDiscoveryResponse : t.DiscoveryResponse;
  const call = client.makeBidiStreamRequest<Req, Res>(
    delta ? DELTA_PATH : SOTW_PATH,
    (req: Req) => Buffer.from(reqType.encode(reqType.fromObject(req)).finish()),
    (bytes: Buffer) => resType.decode(bytes) as unknown as Res,
  );
  return new AdsStream(client, call);
}

export function openSotw(
  address: string,
  tls?: ClientTls,
): AdsStream<DiscoveryRequestObj, DiscoveryResponseMsg> {
  return open(address, false, tls);
}

export function openDelta(
  address: string,
  tls?: ClientTls,
): AdsStream<DeltaDiscoveryRequestObj, DeltaDiscoveryResponseMsg> {
  return open(address, true, tls);
}

/** A node like istiod's config-source client sends (generator "api"). */
export function istiodLikeNode(
  id = 'sidecar~127.0.0.1~registry-bridge-watch.istio-system~istio-system.svc.cluster.local',
): NodeObj {
  return { id, metadata: { fields: { GENERATOR: { stringValue: 'api' } } } };
}

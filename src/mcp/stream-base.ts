import type { ServerDuplexStream } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { ResourceKind } from '../model/istio.js';
import type { PendingPush } from './push-scheduler.js';
import type { NodeMsg, StatusMsg } from './service-def.js';
import type { ClientInfo, StreamHost, WatchInfo } from './stream-host.js';
import { servedKind, typeUrlLabel } from '../codec/type-urls.js';
import { forGrpcFrame, PartsMessage, type ResponseMessage } from '../codec/parts-message.js';
import { directWriter, type DirectWriter } from './direct-write.js';

/** Per type URL bookkeeping both protocols keep. */
export interface WatchCommon {
  readonly typeUrl: string;
  /** The served kind, or undefined for kinds answered empty. */
  readonly kind: ResourceKind | undefined;
  nonce: string | undefined;
  sentVersion: string | undefined;
  ackedVersion: string | undefined;
  nacks: number;
  lastNack: string | undefined;
  /** Held back until every registry synced. */
  waiting: boolean;
  /** When the change now due happened (push latency metric). */
  since: number | undefined;
}

export function newWatchCommon(typeUrl: string): WatchCommon {
  return {
    typeUrl,
    kind: servedKind(typeUrl),
    nonce: undefined,
    sentVersion: undefined,
    ackedVersion: undefined,
    nacks: 0,
    lastNack: undefined,
    waiting: false,
    since: undefined,
  };
}

let nextStreamId = 1;

/** Responses from this size on are written in chunks (see direct-write.ts) where possible. */
const DIRECT_WRITE_MIN_BYTES = 64 * 1024;

/** More type URLs than any real client asks for on one stream. */
export const MAX_WATCHES_PER_STREAM = 64;

/**
 * What SotW and Delta streams share: the node (sent only on the first request
 * and on ACKs by istiod, so it is cached), nonces, and write backpressure.
 * While the socket is full, streams only remember what is due and send the
 * newest state once it drains, so a slow client never delays the others.
 */
export abstract class StreamBase<Req extends { node?: NodeMsg | null }> {
  readonly id = nextStreamId++;
  protected node: NodeMsg | undefined;
  protected readonly log: Logger;
  private nonceCounter = 0;
  private blocked = false;
  private closed = false;
  /** Bytes of this stream's large responses not yet written (held in the server's write budget). */
  private budgeted = 0;
  private readonly wake = (): void => {
    if (!this.closed) this.onDrain();
  };
  /** Writes large responses in chunks without a per-client copy, where grpc-js allows it. */
  private readonly direct: DirectWriter | undefined;
  /** A chunked write is not yet taken by the socket: later responses wait for it. */
  private directBusy = false;
  private readonly connectedAt = new Date().toISOString();

  constructor(
    protected readonly call: ServerDuplexStream<Req, Buffer>,
    protected readonly host: StreamHost,
    readonly mode: 'sotw' | 'delta',
    private readonly onClose: () => void,
  ) {
    this.log = host.logger.child({ stream: this.id, mode, peer: call.getPeer() });
    this.direct = directWriter(call);
    call.on('data', (req: Req) => {
      if (req.node?.id) this.node = req.node;
      try {
        this.onRequest(req);
      } catch (err) {
        this.log.error({ err }, 'failed to handle request; stream kept');
      }
    });
    call.on('drain', () => {
      this.blocked = false;
      this.onDrain();
    });
    // The client half-closed: finish our side too, so it gets its status.
    call.on('end', () => this.end());
    call.on('error', (err) => {
      this.log.debug({ err }, 'stream error');
      this.close();
    });
    call.on('cancelled', () => this.close());
    this.log.info('xDS stream opened');
  }

  protected abstract onRequest(req: Req): void;
  /** The socket accepted more data; send whatever was held back. */
  protected abstract onDrain(): void;
  /** Store kinds changed (after coalescing). */
  abstract onChange(kind: ResourceKind, push: PendingPush): void;
  /** Every registry has synced: answer held-back ServiceEntry/WorkloadEntry requests. */
  abstract onGateOpen(): void;
  abstract info(): ClientInfo;

  /** Counts a request outcome (subscribe, ack, nack, stale, invalid). */
  protected count(typeUrl: string, outcome: string): void {
    this.host.telemetry.xdsRequest(typeUrlLabel(typeUrl), this.mode, outcome);
  }

  /**
   * False (after counting and logging) when a stream already watches as many
   * type URLs as any real client would; istiod asks for about 16.
   */
  protected canWatchMore(watching: number, typeUrl: string): boolean {
    if (watching < MAX_WATCHES_PER_STREAM) return true;
    this.count(typeUrl, 'rejected');
    this.log.warn(
      { typeUrl, limit: MAX_WATCHES_PER_STREAM },
      'too many type URLs on one stream; request ignored',
    );
    return false;
  }

  /** False (after counting and logging) for a request without a type URL. */
  protected hasTypeUrl(typeUrl: string): boolean {
    if (typeUrl) return true;
    this.count('', 'invalid');
    this.log.warn('request without type_url ignored');
    return false;
  }

  /** A NACK: logged, counted, shown per client; nothing is re-sent for it. */
  protected recordNack(w: WatchCommon, detail: StatusMsg): void {
    w.nacks++;
    w.lastNack = detail.message ?? `code ${detail.code ?? '?'}`;
    this.host.telemetry.xdsNack(typeUrlLabel(w.typeUrl), this.mode);
    this.count(w.typeUrl, 'nack');
    this.log.warn(
      { typeUrl: w.typeUrl, version: w.sentVersion, nodeId: this.node?.id, error: w.lastNack },
      'client rejected a response (NACK); not re-sent until the resources change',
    );
  }

  protected watchInfo(w: WatchCommon): WatchInfo {
    return {
      typeUrl: w.typeUrl,
      lastSentVersion: w.sentVersion,
      lastAckedVersion: w.ackedVersion,
      lastNonce: w.nonce,
      nackCount: w.nacks,
      lastNack: w.lastNack,
      waitingForSync: w.waiting,
    };
  }

  protected get isBlocked(): boolean {
    return this.blocked || this.directBusy;
  }

  protected nextNonce(): string {
    return `${this.id}-${++this.nonceCounter}`;
  }

  /**
   * False while a response of about `bytes` must wait: the socket is full, or
   * the server's write budget has no room (the stream is then woken through
   * `onDrain` once it has).
   */
  protected canSend(bytes: number): boolean {
    if (this.isBlocked) return false;
    const budget = this.host.writeBudget;
    if (!budget || this.direct || budget.mayStart(bytes)) return true;
    budget.wait(this.wake);
    return false;
  }

  /**
   * Hands a response to grpc-js, which copies it once into its frame (a
   * `PartsMessage` is never copied together before that).
   */
  protected write(message: ResponseMessage, typeUrl: string, since?: number): void {
    if (this.closed) return;
    const size = message.length;
    const latency = since === undefined ? undefined : (performance.now() - since) / 1000;
    this.host.telemetry.xdsPush(typeUrlLabel(typeUrl), this.mode, size, latency);
    if (this.writeDirect(message)) return;
    const budget = this.host.writeBudget;
    let done: (() => void) | undefined;
    if (budget && size >= budget.largeBytes) {
      budget.started(size);
      this.budgeted += size;
      done = () => {
        if (this.closed) return;
        this.budgeted -= size;
        budget.finished(size);
      };
    }
    if (!this.call.write(forGrpcFrame(message), done)) this.blocked = true;
  }

  /**
   * A large response in chunks straight to the HTTP/2 stream, when nothing
   * written through grpc-js is still queued (so responses keep their order).
   */
  private writeDirect(message: ResponseMessage): boolean {
    if (!this.direct || !(message instanceof PartsMessage) || message.byteLength < DIRECT_WRITE_MIN_BYTES)
      return false;
    if (this.call.writableLength > 0) return false;
    this.directBusy = true;
    const written = this.direct.write(message, () => {
      this.directBusy = false;
      if (!this.closed) this.onDrain();
    });
    if (!written) this.directBusy = false;
    return written;
  }

  protected baseInfo(): Omit<ClientInfo, 'watches'> {
    return {
      id: this.id,
      mode: this.mode,
      nodeId: this.node?.id,
      peer: this.call.getPeer(),
      connectedAt: this.connectedAt,
    };
  }

  /** Ends the stream from the server side (shutdown). */
  end(): void {
    if (this.closed) return;
    try {
      this.call.end();
    } catch {
      /* already gone */
    }
    this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    const budget = this.host.writeBudget;
    if (budget) {
      budget.cancel(this.wake);
      budget.finished(this.budgeted);
      this.budgeted = 0;
    }
    this.log.info('xDS stream closed');
    this.onClose();
  }
}

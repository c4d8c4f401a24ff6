import type { ServerDuplexStream, status } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { ResourceKind } from '../model/istio.js';
import type { PendingPush } from './push-scheduler.js';
import type { NodeMsg, StatusMsg } from './service-def.js';
import type { ClientInfo, StreamHost, WatchInfo } from './stream-host.js';
import { servedKind, typeUrlLabel } from '../codec/type-urls.js';
import { forGrpcFrame, PartsMessage, type ResponseMessage } from '../codec/parts-message.js';
import { directWriter, type DirectWriter } from './direct-write.js';
import { LogLimiter, truncate } from './log-limiter.js';
import {
  CLIENT_LOG_INTERVAL_MS,
  MAX_NACK_MESSAGE_LENGTH,
  MAX_NODE_ID_LENGTH,
  MAX_TYPE_URL_LENGTH,
} from './limits.js';

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
  /** When the oldest response not yet ACKed or NACKed was sent (performance.now()). */
  unackedSince: number | undefined;
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
    unackedSince: undefined,
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
  /** The client's node id, cut to MAX_NODE_ID_LENGTH; nothing else of the node is kept. */
  protected nodeId: string | undefined;
  protected readonly log: Logger;
  /** Log lines caused by this client's requests, at most one per kind of event per interval. */
  private readonly logLimit = new LogLimiter(CLIENT_LOG_INTERVAL_MS);
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
      if (this.closed) return;
      if (req.node?.id) this.nodeId = truncate(req.node.id, MAX_NODE_ID_LENGTH);
      try {
        this.onRequest(req);
      } catch (err) {
        this.log.error({ err }, 'failed to handle request; stream kept');
      }
      // One request per turn of the event loop: a client that sends many large
      // requests at once cannot hold the loop for all of them in one stretch
      // (health probes, other clients and registry events run in between).
      call.pause();
      setImmediate(() => {
        if (!this.closed) call.resume();
      });
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
    const left = this.logLimit.take('watches');
    if (left !== undefined) {
      this.log.warn(
        { typeUrl: truncate(typeUrl, 200), limit: MAX_WATCHES_PER_STREAM, suppressed: left },
        'too many type URLs on one stream; request ignored',
      );
    }
    return false;
  }

  /** False (after counting and logging) for a request without a type URL or with one no server knows. */
  protected hasTypeUrl(typeUrl: string): boolean {
    if (typeUrl && typeUrl.length <= MAX_TYPE_URL_LENGTH) return true;
    this.count('', 'invalid');
    const left = this.logLimit.take('bad-type-url');
    if (left !== undefined) {
      this.log.warn(
        { typeUrlLength: typeUrl.length, limit: MAX_TYPE_URL_LENGTH, suppressed: left },
        'request without type_url, or with one too long to be real, ignored',
      );
    }
    return false;
  }

  /**
   * A NACK: counted, shown per client (message cut to MAX_NACK_MESSAGE_LENGTH)
   * and logged at most once per CLIENT_LOG_INTERVAL_MS per client, with the
   * number of NACKs left out; nothing is re-sent for it.
   */
  protected recordNack(w: WatchCommon, detail: StatusMsg): void {
    w.nacks++;
    w.unackedSince = undefined;
    w.lastNack = truncate(detail.message ?? `code ${detail.code ?? '?'}`, MAX_NACK_MESSAGE_LENGTH);
    this.host.telemetry.xdsNack(typeUrlLabel(w.typeUrl), this.mode);
    this.count(w.typeUrl, 'nack');
    const left = this.logLimit.take('nack');
    if (left === undefined) return;
    this.log.warn(
      {
        typeUrl: w.typeUrl,
        version: w.sentVersion,
        nodeId: this.nodeId,
        error: w.lastNack,
        nacks: w.nacks,
        suppressed: left,
      },
      'client rejected a response (NACK); not re-sent until the resources change',
    );
  }

  /** An ACK of the response last sent for `w`. */
  protected recordAck(w: WatchCommon): void {
    w.unackedSince = undefined;
    this.count(w.typeUrl, 'ack');
  }

  /**
   * Ends the stream with `code` because the client went over a limit: counted
   * by reason (irb_xds_streams_rejected_total) and logged once.
   */
  protected reject(code: status, reason: string, details: string): void {
    if (this.closed) return;
    this.host.telemetry.xdsStreamRejected(reason);
    this.log.warn({ reason, nodeId: this.nodeId }, `xDS stream ended: ${details}`);
    this.call.emit('error', { code, details });
    this.close();
  }

  /** When the oldest response still waiting for an ACK or NACK on this stream was sent. */
  oldestUnackedSince(): number | undefined {
    let oldest: number | undefined;
    for (const w of this.watchList()) {
      if (w.unackedSince !== undefined && (oldest === undefined || w.unackedSince < oldest)) {
        oldest = w.unackedSince;
      }
    }
    return oldest;
  }

  protected abstract watchList(): Iterable<WatchCommon>;

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
  protected write(message: ResponseMessage, w: WatchCommon): void {
    if (this.closed) return;
    const size = message.length;
    const now = performance.now();
    const latency = w.since === undefined ? undefined : (now - w.since) / 1000;
    this.host.telemetry.xdsPush(typeUrlLabel(w.typeUrl), this.mode, size, latency);
    // A newer response supersedes an unanswered one: the wait counts from the older.
    w.unackedSince ??= now;
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
      nodeId: this.nodeId,
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

  protected get isClosed(): boolean {
    return this.closed;
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

import type { ServerDuplexStream } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { ResourceKind } from '../model/istio.js';
import type { PendingPush } from './push-scheduler.js';
import type { NodeMsg } from './service-def.js';
import type { ClientInfo, StreamHost } from './stream-host.js';

let nextStreamId = 1;

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
  private readonly connectedAt = new Date().toISOString();

  constructor(
    protected readonly call: ServerDuplexStream<Req, Buffer>,
    protected readonly host: StreamHost,
    readonly mode: 'sotw' | 'delta',
    private readonly onClose: () => void,
  ) {
    this.log = host.logger.child({ stream: this.id, mode, peer: call.getPeer() });
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
    call.on('end', () => this.close());
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

  protected get isBlocked(): boolean {
    return this.blocked;
  }

  protected nextNonce(): string {
    return `${this.id}-${++this.nonceCounter}`;
  }

  protected write(bytes: Buffer, typeUrl: string, since?: number): void {
    if (this.closed) return;
    const m = this.host.metrics;
    m.pushes.inc({ type_url: typeUrl, mode: this.mode });
    m.pushBytes.inc({ type_url: typeUrl, mode: this.mode }, bytes.length);
    if (since !== undefined) m.pushLatency.observe((performance.now() - since) / 1000);
    if (!this.call.write(bytes)) this.blocked = true;
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
    this.log.info('xDS stream closed');
    this.onClose();
  }
}

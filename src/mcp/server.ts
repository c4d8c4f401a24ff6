import { Server, ServerCredentials, status, type ServerDuplexStream } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { BridgeError, errorMessage } from '../errors.js';
import type { StoreView } from '../store/view.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import { DeltaStream } from './delta-stream.js';
import { DEFAULT_XDS_LIMITS, CLIENT_LOG_INTERVAL_MS, type XdsLimits } from './limits.js';
import { LogLimiter } from './log-limiter.js';
import { PushScheduler } from './push-scheduler.js';
import {
  adsServiceDefinition,
  type DeltaDiscoveryRequestMsg,
  type DiscoveryRequestMsg,
} from './service-def.js';
import { SotwStream } from './sotw-stream.js';
import type { ClientInfo, StreamHost } from './stream-host.js';
import { WriteBudget } from './write-budget.js';

export interface AdsServerOptions {
  readonly debounceMs: number;
  readonly maxDelayMs: number;
  /** Serve DeltaAggregatedResources (istiod itself only uses SotW). */
  readonly delta: boolean;
  /** What one client can make the server hold (DEFAULT_XDS_LIMITS when left out). */
  readonly limits?: Partial<XdsLimits> | undefined;
}

/** The IP address of a grpc-js peer string (`ipv4:1.2.3.4:5678`, `[::1]:5678`, ...), without the port. */
export function peerAddress(peer: string): string {
  const bare = peer.replace(/^ipv[46]:/, '');
  const idx = bare.lastIndexOf(':');
  const host = idx > 0 && /^\d+$/.test(bare.slice(idx + 1)) ? bare.slice(0, idx) : bare;
  return host.replace(/^\[|\]$/g, '');
}

type AnyStream = SotwStream | DeltaStream;

/**
 * The MCP-over-xDS server: gRPC AggregatedDiscoveryService on one port,
 * any number of clients, pushes coalesced by a PushScheduler.
 */
export class AdsServer {
  private readonly grpc: Server;
  private readonly streams = new Set<AnyStream>();
  /** Open streams per peer IP address. */
  private readonly perPeer = new Map<string, number>();
  private readonly rejectLog = new LogLimiter(CLIENT_LOG_INTERVAL_MS);
  readonly limits: XdsLimits;
  private readonly scheduler: PushScheduler;
  private readonly host: StreamHost;
  private boundPort = 0;

  constructor(
    store: StoreView,
    private readonly telemetry: Telemetry,
    private readonly logger: Logger,
    private readonly options: AdsServerOptions,
  ) {
    this.limits = { ...DEFAULT_XDS_LIMITS, ...options.limits };
    this.grpc = new Server({
      'grpc.max_send_message_length': -1,
      'grpc.max_receive_message_length': this.limits.maxMessageBytes,
      'grpc.keepalive_permit_without_calls': 1,
      // grpc-js's channelz bookkeeping (per connection and call) is never read here:
      // /debug/clients and the metrics say who is connected.
      'grpc.enable_channelz': 0,
    });
    this.host = { store, telemetry, logger, limits: this.limits, writeBudget: new WriteBudget() };
    telemetry.xdsOldestUnackedSource((mode) => this.oldestUnackedSeconds(mode));
    this.scheduler = new PushScheduler(options.debounceMs, options.maxDelayMs, (batch) => {
      for (const [kind, push] of batch) for (const s of this.streams) s.onChange(kind, push);
    });
    store.onChange((change) => this.scheduler.add(change.kind, [...change.changed, ...change.removed]));
    // Held ServiceEntry/WorkloadEntry requests are answered once the store is complete.
    store.onComplete(() => {
      for (const s of this.streams) s.onGateOpen();
    });
    this.grpc.addService(adsServiceDefinition(), {
      StreamAggregatedResources: (call: ServerDuplexStream<DiscoveryRequestMsg, Buffer>) => {
        const peer = this.admit(call);
        if (peer === undefined) return;
        const stream: SotwStream = new SotwStream(call, this.host, () => this.untrack(stream, peer));
        this.track(stream, peer);
      },
      DeltaAggregatedResources: (call: ServerDuplexStream<DeltaDiscoveryRequestMsg, Buffer>) => {
        if (!this.options.delta) {
          call.emit('error', {
            code: status.UNIMPLEMENTED,
            details: 'Delta xDS is disabled (xds.delta: false)',
          });
          return;
        }
        const peer = this.admit(call);
        if (peer === undefined) return;
        const stream: DeltaStream = new DeltaStream(call, this.host, () => this.untrack(stream, peer));
        this.track(stream, peer);
      },
    });
  }

  /**
   * The peer's address if a new stream fits the limits; otherwise the call is
   * ended with RESOURCE_EXHAUSTED, counted and logged (rate-limited).
   */
  private admit(call: ServerDuplexStream<unknown, Buffer>): string | undefined {
    const peer = peerAddress(call.getPeer());
    const { maxStreams, maxStreamsPerPeer } = this.limits;
    let reason: string | undefined;
    let details = '';
    if (this.streams.size >= maxStreams) {
      reason = 'total_limit';
      details = `the server already has ${maxStreams} streams open (xds.limits.maxStreams)`;
    } else if ((this.perPeer.get(peer) ?? 0) >= maxStreamsPerPeer) {
      reason = 'peer_limit';
      details = `${peer} already has ${maxStreamsPerPeer} streams open (xds.limits.maxStreamsPerPeer)`;
    }
    if (reason === undefined) return peer;
    this.telemetry.xdsStreamRejected(reason);
    const left = this.rejectLog.take(reason);
    if (left !== undefined) {
      this.logger.warn({ peer, reason, suppressed: left }, `xDS stream refused: ${details}`);
    }
    call.emit('error', { code: status.RESOURCE_EXHAUSTED, details: `stream refused: ${details}` });
    return undefined;
  }

  private track(stream: AnyStream, peer: string): void {
    this.streams.add(stream);
    this.perPeer.set(peer, (this.perPeer.get(peer) ?? 0) + 1);
    this.telemetry.xdsClients(stream.mode, 1);
  }

  private untrack(stream: AnyStream, peer: string): void {
    if (!this.streams.delete(stream)) return;
    const left = (this.perPeer.get(peer) ?? 1) - 1;
    if (left > 0) this.perPeer.set(peer, left);
    else this.perPeer.delete(peer);
    this.telemetry.xdsClients(stream.mode, -1);
  }

  /** Seconds since the oldest response of `mode` still waiting for an ACK or NACK was sent. */
  private oldestUnackedSeconds(mode: 'sotw' | 'delta'): number {
    let oldest: number | undefined;
    for (const s of this.streams) {
      if (s.mode !== mode) continue;
      const t = s.oldestUnackedSince();
      if (t !== undefined && (oldest === undefined || t < oldest)) oldest = t;
    }
    return oldest === undefined ? 0 : (performance.now() - oldest) / 1000;
  }

  /** Binds `host:port` (port 0 picks a free one) and returns the port. */
  listen(address: string, credentials = ServerCredentials.createInsecure()): Promise<number> {
    return new Promise((resolve, reject) => {
      this.grpc.bindAsync(address, credentials, (err, port) => {
        if (err) {
          reject(
            new BridgeError('IRB_XDS_LISTEN', `cannot listen for xDS on ${address}: ${errorMessage(err)}`),
          );
          return;
        }
        this.boundPort = port;
        this.logger.info({ address, port }, 'xDS server listening');
        resolve(port);
      });
    });
  }

  get port(): number {
    return this.boundPort;
  }

  clients(): ClientInfo[] {
    return [...this.streams].map((s) => s.info()).sort((a, b) => a.id - b.id);
  }

  /** Stops accepting, ends every stream cleanly, and waits up to `graceMs` for them. */
  async close(graceMs = 2000): Promise<void> {
    this.scheduler.cancel();
    for (const s of [...this.streams]) s.end();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.grpc.forceShutdown();
        resolve();
      }, graceMs);
      this.grpc.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

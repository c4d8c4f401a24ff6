import { Server, ServerCredentials, status, type ServerDuplexStream } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { BridgeError, errorMessage } from '../errors.js';
import type { StoreView } from '../store/view.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import { DeltaStream } from './delta-stream.js';
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
}

type AnyStream = SotwStream | DeltaStream;

/**
 * The MCP-over-xDS server: gRPC AggregatedDiscoveryService on one port,
 * any number of clients, pushes coalesced by a PushScheduler.
 */
export class AdsServer {
  private readonly grpc = new Server({
    'grpc.max_send_message_length': -1,
    'grpc.max_receive_message_length': 16 * 1024 * 1024,
    'grpc.keepalive_permit_without_calls': 1,
  });
  private readonly streams = new Set<AnyStream>();
  private readonly scheduler: PushScheduler;
  private readonly host: StreamHost;
  private boundPort = 0;

  constructor(
    store: StoreView,
    private readonly telemetry: Telemetry,
    private readonly logger: Logger,
    private readonly options: AdsServerOptions,
  ) {
    this.host = { store, telemetry, logger, writeBudget: new WriteBudget() };
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
        const stream: SotwStream = new SotwStream(call, this.host, () => this.untrack(stream));
        this.track(stream);
      },
      DeltaAggregatedResources: (call: ServerDuplexStream<DeltaDiscoveryRequestMsg, Buffer>) => {
        if (!this.options.delta) {
          call.emit('error', {
            code: status.UNIMPLEMENTED,
            details: 'Delta xDS is disabled (xds.delta: false)',
          });
          return;
        }
        const stream: DeltaStream = new DeltaStream(call, this.host, () => this.untrack(stream));
        this.track(stream);
      },
    });
  }

  private track(stream: AnyStream): void {
    this.streams.add(stream);
    this.telemetry.xdsClients(stream.mode, 1);
  }

  private untrack(stream: AnyStream): void {
    if (this.streams.delete(stream)) this.telemetry.xdsClients(stream.mode, -1);
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

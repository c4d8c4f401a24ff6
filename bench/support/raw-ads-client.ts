/**
 * A SotW ADS client for the peer bench that keeps each response as bytes:
 * receiving is timed apart from decoding. Reads only the top-level fields it
 * needs to ACK. Each client has its own connection, like separate istiods.
 */
import { Client, credentials, type ClientDuplexStream } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { protoTypes } from '../../src/codec/proto.js';
import { SOTW_PATH } from '../../src/mcp/service-def.js';

export const SE = 'networking.istio.io/v1/ServiceEntry';

/** grpc-go's largest flow-control window (its BDP estimator's limit). */
export const GO_GRPC_BDP_LIMIT = 16 * 1024 * 1024;

export interface RawResponse {
  readonly bytes: Buffer;
  readonly version: string;
  readonly nonce: string;
  readonly at: number;
}

/** version_info (1), nonce (5) and the Any bytes of each resource (2). */
export function scanResponse(bytes: Buffer): { version: string; nonce: string; resources: Uint8Array[] } {
  const r = protobuf.Reader.create(bytes);
  let version = '';
  let nonce = '';
  const resources: Uint8Array[] = [];
  while (r.pos < r.len) {
    const tag = r.uint32();
    const field = tag >>> 3;
    if (field === 1) version = r.string();
    else if (field === 5) nonce = r.string();
    else if (field === 2) resources.push(r.bytes());
    else r.skipType(tag & 7);
  }
  return { version, nonce, resources };
}

/** version_info (1) and nonce (5) of a DiscoveryResponse. */
export function versionAndNonce(bytes: Buffer): { version: string; nonce: string } {
  const r = protobuf.Reader.create(bytes);
  let version = '';
  let nonce = '';
  while (r.pos < r.len) {
    const tag = r.uint32();
    const field = tag >>> 3;
    if (field === 1) version = r.string();
    else if (field === 5) nonce = r.string();
    else r.skipType(tag & 7);
  }
  return { version, nonce };
}

export class RawAdsClient {
  private readonly client: Client;
  private readonly call: ClientDuplexStream<object, Buffer>;
  private readonly queue: RawResponse[] = [];
  private waiter: ((r: RawResponse) => void) | undefined;
  private failure: Error | undefined;

  constructor(address: string) {
    const req = protoTypes().DiscoveryRequest;
    this.client = new Client(address, credentials.createInsecure(), {
      'grpc.max_receive_message_length': -1,
      'grpc.use_local_subchannel_pool': 1,
      // istiod is a Go gRPC client: grpc-go grows its HTTP/2 flow-control windows by
      // BDP estimation up to 16 MiB on a fast link. grpc-js keeps 64 KiB unless told,
      // which would make every large response wait on window updates from this client.
      'grpc-node.flow_control_window': GO_GRPC_BDP_LIMIT,
    });
    this.call = this.client.makeBidiStreamRequest(
      SOTW_PATH,
      (v: object) => Buffer.from(req.encode(req.fromObject(v)).finish()),
      (b: Buffer) => b,
    );
    this.call.on('data', (bytes: Buffer) => {
      const res = { bytes, ...versionAndNonce(bytes), at: performance.now() };
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = undefined;
        w(res);
      } else this.queue.push(res);
    });
    this.call.on('error', (err) => (this.failure = err));
    this.call.write({
      node: { id: 'bench~peer', cluster: 'bench' },
      typeUrl: SE,
      resourceNames: [],
      responseNonce: '',
    });
  }

  next(timeoutMs = 120_000): Promise<RawResponse> {
    if (this.failure) return Promise.reject(this.failure);
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no response in ${timeoutMs} ms`)), timeoutMs);
      this.waiter = (r) => {
        clearTimeout(timer);
        resolve(r);
      };
    });
  }

  ack(res: RawResponse): void {
    this.call.write({ typeUrl: SE, versionInfo: res.version, responseNonce: res.nonce, resourceNames: [] });
  }

  close(): void {
    this.call.cancel();
    this.client.close();
  }
}

import type { ServerDuplexStream } from '@grpc/grpc-js';
import type { PartsMessage } from '../codec/parts-message.js';

/** The parts of a grpc-js server call (`BaseServerInterceptingCall`, grpc-js 1.10 to 1.14) a chunked write needs. */
interface GrpcBaseCall {
  readonly stream: {
    write(chunk: Uint8Array, cb?: (err?: Error | null) => void): boolean;
    cork(): void;
    uncork(): void;
  };
  maybeSendMetadata(): void;
  checkCancelled(): boolean;
}

function baseCall(call: unknown): GrpcBaseCall | undefined {
  const inner = (call as { call?: Partial<GrpcBaseCall> } | undefined)?.call;
  const s = inner?.stream;
  if (
    !inner ||
    !s ||
    typeof s.write !== 'function' ||
    typeof s.cork !== 'function' ||
    typeof s.uncork !== 'function' ||
    typeof inner.maybeSendMetadata !== 'function' ||
    typeof inner.checkCancelled !== 'function'
  )
    return undefined;
  return inner as GrpcBaseCall;
}

/**
 * Writes a large response as one gRPC message in chunks, straight to the
 * call's HTTP/2 stream: the 5-byte message header, then each part as it is
 * (the store's shared body included). Nothing response-sized is allocated or
 * copied per client; the HTTP/2 stream holds references until the socket took
 * the bytes. grpc-js itself would copy every response into a new frame.
 *
 * This reaches into grpc-js's server call (no public API writes a message in
 * parts), so it is used only where those internals are found (grpc-js without
 * server interceptors); elsewhere `directWriter` returns undefined and the
 * caller writes through grpc-js. test/mcp/direct-write.test.ts fails if an
 * upgrade moves them.
 */
export interface DirectWriter {
  /** False when the call is already cancelled (nothing written); `done` runs once the socket took every byte. */
  write(message: PartsMessage, done: () => void): boolean;
}

export function directWriter(call: ServerDuplexStream<unknown, unknown>): DirectWriter | undefined {
  const base = baseCall(call);
  if (!base) return undefined;
  return {
    write(message, done) {
      if (base.checkCancelled()) return false;
      base.maybeSendMetadata();
      const header = Buffer.alloc(5);
      header.writeUInt32BE(message.byteLength, 1);
      const stream = base.stream;
      const chunks = [header, ...message.parts.filter((p) => p.length > 0)];
      let called = false;
      const last = (): void => {
        if (called) return;
        called = true;
        done();
      };
      stream.cork();
      chunks.forEach((c, i) => stream.write(c, i === chunks.length - 1 ? last : undefined));
      stream.uncork();
      return true;
    },
  };
}

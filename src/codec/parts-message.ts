/**
 * A response message kept as the parts it is made of (small per-client fields
 * around the store's shared resource bytes), never copied together by us.
 *
 * grpc-js frames a response by asking its serializer for the message, then
 * allocating `byteLength + 5` bytes and calling `message.copy(frame, 5)`
 * (`serializeMessage` in its server-interceptors). A `PartsMessage` answers
 * exactly that: `byteLength`, and a `copy` that writes each part straight into
 * grpc-js's frame. So a response of any size costs one response-sized buffer
 * per client (the frame grpc-js must allocate) instead of two, and the shared
 * resource bytes are read, never duplicated, until then.
 */
export class PartsMessage {
  readonly byteLength: number;

  constructor(readonly parts: readonly Uint8Array[]) {
    let n = 0;
    for (const p of parts) n += p.length;
    this.byteLength = n;
  }

  get length(): number {
    return this.byteLength;
  }

  /** Writes every part into `target` from `targetStart`, like Buffer#copy; returns the bytes written. */
  copy(target: Uint8Array, targetStart = 0): number {
    let off = targetStart;
    for (const p of this.parts) {
      target.set(p, off);
      off += p.length;
    }
    return off - targetStart;
  }

  /** One Buffer with the whole message (tests, the bench's baseline, clients that need bytes). */
  toBuffer(): Buffer {
    const out = Buffer.allocUnsafe(this.byteLength);
    this.copy(out, 0);
    return out;
  }
}

/** A response as grpc-js's serializer receives it: bytes, or parts it copies into its frame. */
export type ResponseMessage = Buffer | PartsMessage;

/** The message as a Buffer-like grpc-js frames by `byteLength` and `copy` (see PartsMessage). */
export function forGrpcFrame(message: ResponseMessage): Buffer {
  return message as Buffer;
}

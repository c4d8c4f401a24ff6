import { EventEmitter } from 'node:events';
import type { ServerDuplexStream } from '@grpc/grpc-js';
import type { PartsMessage } from '../../src/codec/parts-message.js';

/**
 * Stands in for a grpc-js server call, so tests and the bench drive the stream
 * code (diffing, framing, backpressure) without sockets. Set `full` to make
 * `write` report a full socket; `drain()` then empties it like grpc-js does.
 */
export class FakeCall<Req> extends EventEmitter {
  readonly writes: Buffer[] = [];
  onWrite: ((b: Buffer) => void) | undefined;
  full = false;

  /** Like grpc-js: a Buffer-like response (PartsMessage) is copied into a Buffer of its `byteLength`. */
  write(message: Buffer | PartsMessage, done?: () => void): boolean {
    const b = Buffer.isBuffer(message) ? message : message.toBuffer();
    this.writes.push(b);
    done?.();
    this.onWrite?.(b);
    return !this.full;
  }

  drain(): void {
    this.full = false;
    this.emit('drain');
  }

  /** Times the stream paused reading (it does after every request) and resumed. */
  pauses = 0;
  resumes = 0;

  pause(): this {
    this.pauses++;
    return this;
  }

  resume(): this {
    this.resumes++;
    return this;
  }

  getPeer(): string {
    return 'bench';
  }

  end(): void {}

  request(req: Req): void {
    this.emit('data', req);
  }

  asCall(): ServerDuplexStream<Req, Buffer> {
    return this as unknown as ServerDuplexStream<Req, Buffer>;
  }
}

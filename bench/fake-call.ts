import { EventEmitter } from 'node:events';
import type { ServerDuplexStream } from '@grpc/grpc-js';

/**
 * Stands in for a grpc-js server call so the bench measures the stream code
 * (diffing, framing) without socket and client costs.
 */
export class FakeCall<Req> extends EventEmitter {
  readonly writes: Buffer[] = [];
  onWrite: ((b: Buffer) => void) | undefined;

  write(b: Buffer): boolean {
    this.writes.push(b);
    this.onWrite?.(b);
    return true;
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

/**
 * Bounds the memory of large responses across every stream of one server.
 *
 * grpc-js copies each response into a frame of its own (one response-sized
 * buffer per client, held until the socket took it). Ten istiods connecting at
 * once would each hold one at the same time; with this budget, a large
 * response is handed to grpc-js only while the large responses in flight (not
 * yet written) stay under `limitBytes`; the others wait, in arrival order, and
 * are sent the moment room frees up. One always goes, whatever its size;
 * responses under `largeBytes` never wait.
 */
export class WriteBudget {
  private inFlight = 0;
  private readonly waiting = new Set<() => void>();

  constructor(
    readonly limitBytes = 24 * 1024 * 1024,
    readonly largeBytes = 1024 * 1024,
  ) {}

  /** True when a response of `bytes` may be handed to grpc-js now. */
  mayStart(bytes: number): boolean {
    return bytes < this.largeBytes || this.inFlight === 0 || this.inFlight < this.limitBytes;
  }

  /** A large response was handed to grpc-js. */
  started(bytes: number): void {
    this.inFlight += bytes;
  }

  /** A large response was written (or its stream ended); wakes waiting streams while there is room. */
  finished(bytes: number): void {
    this.inFlight = Math.max(0, this.inFlight - bytes);
    for (const wake of this.waiting) {
      if (this.inFlight !== 0 && this.inFlight >= this.limitBytes) break;
      this.waiting.delete(wake);
      wake();
    }
  }

  /** Calls `wake` once room frees up (once, however often it is queued). */
  wait(wake: () => void): void {
    this.waiting.add(wake);
  }

  cancel(wake: () => void): void {
    this.waiting.delete(wake);
  }

  get bytesInFlight(): number {
    return this.inFlight;
  }

  get streamsWaiting(): number {
    return this.waiting.size;
  }
}

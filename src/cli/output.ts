import type { Writable } from 'node:stream';
import { BridgeError, errorMessage } from '../errors.js';

/**
 * One of a command's output streams (stdout, stderr). `write` queues text as
 * usual; `flushed()` resolves once everything written so far has left the
 * process. For a pipe, which Node writes asynchronously, that is later than
 * `write` returning: exiting in between loses the tail of the output.
 *
 * EPIPE, the reader having gone away (`| head -1`), is not a failure: it calls
 * `onReaderGone` once and drops later writes. Any other write error (a full
 * disk, say) makes `flushed()` reject.
 */
export class Output {
  private pending: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private readerGone = false;

  constructor(
    private readonly stream: Writable,
    private readonly name: string,
    private readonly onReaderGone: () => void,
  ) {
    // Without a listener a write error would crash the process with a stack trace.
    stream.on('error', (err: Error) => this.failed(err));
  }

  write(text: string): void {
    if (text === '' || this.readerGone || this.failure !== undefined) return;
    // Write callbacks run in order, so the last one settling means all have.
    this.pending = new Promise((resolve) => {
      this.stream.write(text, (err) => {
        if (err) this.failed(err);
        resolve();
      });
    });
  }

  async flushed(): Promise<void> {
    await this.pending;
    if (this.failure !== undefined) {
      throw new BridgeError(
        'IRB_OUTPUT_FAILED',
        `cannot write to ${this.name}: ${errorMessage(this.failure)}`,
        { cause: this.failure },
      );
    }
  }

  private failed(err: Error): void {
    if ((err as NodeJS.ErrnoException).code === 'EPIPE') {
      if (this.readerGone) return;
      this.readerGone = true;
      this.onReaderGone();
      return;
    }
    this.failure ??= err;
  }
}

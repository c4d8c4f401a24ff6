/**
 * Reads a whole file into one buffer that is kept and reused from read to
 * read (grown when the file grows): a reload of a large registry file then
 * allocates no file-sized memory. The bytes returned are valid until the next
 * call; whatever must outlive it is copied out (the reader makes strings).
 */
import { open } from 'node:fs/promises';

export class FileBytes {
  private buf = Buffer.alloc(0);

  async read(path: string): Promise<Buffer> {
    const fh = await open(path, 'r');
    try {
      const { size } = await fh.stat();
      if (this.buf.length < size + 1) this.buf = Buffer.allocUnsafeSlow(Math.ceil((size + 1) * 1.25));
      let used = 0;
      for (;;) {
        if (used === this.buf.length) {
          // The file grew while being read: grow and keep reading.
          const bigger = Buffer.allocUnsafeSlow(this.buf.length * 2);
          this.buf.copy(bigger, 0, 0, used);
          this.buf = bigger;
        }
        const { bytesRead } = await fh.read(this.buf, used, this.buf.length - used, used);
        if (bytesRead === 0) break;
        used += bytesRead;
      }
      return this.buf.subarray(0, used);
    } finally {
      await fh.close();
    }
  }
}

import { createHash } from 'node:crypto';

/**
 * An order-independent hash of a set of (name, version) pairs, updated in
 * O(1) per change: XOR of each pair's digest. Two stores holding the same set
 * have the same hash, however they got there.
 */
export class SetHash {
  private readonly acc = Buffer.alloc(16);

  toggle(name: string, version: string): void {
    const d = createHash('sha256').update(name).update('\0').update(version).digest();
    for (let i = 0; i < 16; i++) this.acc[i]! ^= d[i]!;
  }

  hex(): string {
    return this.acc.toString('hex');
  }
}

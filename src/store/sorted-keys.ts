/** A sorted array of unique strings with binary-search insert and delete. */
export class SortedKeys {
  private readonly keys: string[] = [];

  private find(key: string): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  add(key: string): void {
    const i = this.find(key);
    if (this.keys[i] !== key) this.keys.splice(i, 0, key);
  }

  delete(key: string): void {
    const i = this.find(key);
    if (this.keys[i] === key) this.keys.splice(i, 1);
  }

  /** Where `key` is in `values()`, or -1. */
  indexOf(key: string): number {
    const i = this.find(key);
    return this.keys[i] === key ? i : -1;
  }

  values(): readonly string[] {
    return this.keys;
  }

  get size(): number {
    return this.keys.length;
  }
}

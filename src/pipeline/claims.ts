/**
 * Which owners (registry services) produce a resource key. When two produce
 * the same key the first in order wins (config order of registries, then
 * service id), deterministically; the others are reported as conflicts.
 */
export class Claims {
  private readonly byKey = new Map<string, string[]>();

  add(key: string, owner: string): void {
    const list = this.byKey.get(key);
    if (!list) {
      this.byKey.set(key, [owner]);
      return;
    }
    if (list.includes(owner)) return;
    list.push(owner);
    list.sort();
  }

  delete(key: string, owner: string): void {
    const list = this.byKey.get(key);
    if (!list) return;
    const i = list.indexOf(owner);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.byKey.delete(key);
  }

  winner(key: string): string | undefined {
    return this.byKey.get(key)?.[0];
  }

  owners(key: string): readonly string[] {
    return this.byKey.get(key) ?? [];
  }
}

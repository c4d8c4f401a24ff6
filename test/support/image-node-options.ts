/**
 * The Node options the container image gives the bridge (the Dockerfile's
 * `ENV NODE_OPTIONS="..."`): the benches start the bridge with them, so they
 * measure it as it runs there, and test/deploy checks Node accepts them. None
 * when the Dockerfile sets none.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function imageNodeOptions(): string[] {
  const dockerfile = readFileSync(join(import.meta.dirname, '..', '..', '..', 'Dockerfile'), 'utf8');
  const m = /^ENV NODE_OPTIONS="([^"]*)"$/m.exec(dockerfile);
  return (m?.[1] ?? '').split(' ').filter((a) => a !== '');
}

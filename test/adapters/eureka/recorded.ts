/** JSON recorded from the real Eureka fixture server (see recorded/README.md). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = join(import.meta.dirname, '..', '..', '..', '..', 'test', 'adapters', 'eureka', 'recorded');

/** The parsed JSON of one recorded answer, e.g. `recorded('02-delta')`. */
export function recorded(name: string): unknown {
  return JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8')) as unknown;
}

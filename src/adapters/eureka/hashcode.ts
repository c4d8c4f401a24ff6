/** Eureka's `apps__hashcode`: instance counts per status, the check that a delta left the copy right. */
import { compareStrings } from '../../util/compare.js';

/**
 * `<STATUS>_<count>_` for each status with instances, statuses in
 * alphabetical order (e.g. `DOWN_1_UP_2_`); `""` for an empty registry.
 * Every instance counts, whatever its app, by its reported status.
 */
export function appsHashcode(counts: ReadonlyMap<string, number>): string {
  let out = '';
  for (const status of [...counts.keys()].sort(compareStrings)) {
    const n = counts.get(status)!;
    if (n > 0) out += `${status}_${n}_`;
  }
  return out;
}

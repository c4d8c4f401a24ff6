/** Hosts of Eureka applications: `<app>.eureka`, or a `hostTemplate`. */
import { toDns1123Label } from '../../convert/naming.js';
import { compareStrings } from '../../util/compare.js';
import { placeholdersOf, renderHost } from '../kit/host-template.js';

const METADATA_PREFIX = '{metadata.';

/** What a template may use: the app, its vipAddress, or one metadata key. */
export const HOST_PLACEHOLDERS = ['{app}', '{vipAddress}', '{metadata.<key>}'] as const;

/** The parts of an instance a host template reads. */
export interface HostSource {
  readonly vipAddress?: string | undefined;
  readonly metadata: ReadonlyMap<string, string>;
}

function isKnown(p: string): boolean {
  return p === '{app}' || p === '{vipAddress}' || (p.startsWith(METADATA_PREFIX) && p.length > 11);
}

/** Reports the first problem of a configured template: an unknown placeholder, or none at all. */
export function checkEurekaHostTemplate(template: string, issue: (message: string) => void): void {
  const used = placeholdersOf(template);
  const unknown = used.find((p) => !isKnown(p));
  if (unknown !== undefined) {
    issue(`unknown placeholder ${unknown} (use {app}, {vipAddress} or {metadata.<key>})`);
  } else if (used.length === 0) {
    issue('must contain {app}, {vipAddress} or {metadata.<key>}');
  }
}

/**
 * The host of one application. Without a template: `<app>.eureka`, lower
 * case. With one, `{app}` is the app name, `{vipAddress}` the first entry of
 * the instances' vipAddress and `{metadata.<key>}` the instances' value of
 * that key; when instances disagree the smallest value wins (so the host does
 * not move when one instance leaves), and when none has a value the app name
 * is used. Every value becomes a DNS-1123 label.
 */
export function eurekaHost(
  app: string,
  template: string | undefined,
  instances: readonly HostSource[],
): string {
  // The lower-case spelling is the service's name: the same label (and the same hash when cut).
  const name = app.toLowerCase();
  if (template === undefined) return `${toDns1123Label(name)}.eureka`;
  const values = new Map<string, string>();
  for (const p of placeholdersOf(template)) {
    if (values.has(p)) continue;
    let candidates: (string | undefined)[];
    if (p === '{app}') candidates = [name];
    else if (p === '{vipAddress}') candidates = instances.map((i) => i.vipAddress?.split(',')[0]?.trim());
    else candidates = instances.map((i) => i.metadata.get(p.slice(METADATA_PREFIX.length, -1)));
    const present = candidates.filter((c): c is string => c !== undefined && c !== '').sort(compareStrings);
    values.set(p, present[0] ?? name);
  }
  return renderHost(template, values);
}

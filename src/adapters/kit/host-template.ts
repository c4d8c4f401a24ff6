/** Kit: host-name templates such as `{service}.{dc}.mesh`, filled with DNS-safe values. */
import { toDns1123Label } from '../../convert/naming.js';

const PLACEHOLDER = /\{[^}]*\}/g;

/** The placeholders a template uses, e.g. `['{service}', '{dc}']`, in order of appearance. */
export function placeholdersOf(template: string): string[] {
  return template.match(PLACEHOLDER) ?? [];
}

/** The placeholders in `template` that are not in `known` (written with braces, e.g. `{service}`). */
export function unknownPlaceholders(template: string, known: readonly string[]): string[] {
  return placeholdersOf(template).filter((p) => !known.includes(p));
}

/**
 * Checks a configured template: only `known` placeholders, and `required`
 * among them. Reports the first problem through `issue`; returns whether the
 * template is usable.
 */
export function checkHostTemplate(
  template: string,
  known: readonly string[],
  required: string,
  issue: (message: string) => void,
): boolean {
  const bad = unknownPlaceholders(template, known);
  if (bad.length > 0) {
    issue(`unknown placeholder ${bad[0]} (use ${listed(known)})`);
    return false;
  }
  if (!template.includes(required)) {
    issue(`must contain ${required}`);
    return false;
  }
  return true;
}

/**
 * Fills a template. `values` maps a placeholder (with braces) to its raw
 * value, usually registry data; each value becomes a DNS-1123 label first. A
 * placeholder without a value is left as written (templates are checked
 * against the known placeholders when the settings are read).
 */
export function renderHost(template: string, values: ReadonlyMap<string, string>): string {
  return template.replace(PLACEHOLDER, (p) => {
    const v = values.get(p);
    return v === undefined ? p : toDns1123Label(v);
  });
}

function listed(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]!}`;
}

import { toDns1123Label as toDnsLabel } from '../../convert/naming.js';

/** Placeholders a `hostTemplate` may use. */
export const HOST_PLACEHOLDERS = ['{service}', '{dc}'] as const;

/** Names placeholders in a template that are not `{service}` or `{dc}`. */
export function unknownPlaceholders(template: string): string[] {
  return (template.match(/\{[^}]*\}/g) ?? []).filter(
    (p) => !(HOST_PLACEHOLDERS as readonly string[]).includes(p),
  );
}

/**
 * The host for a Consul service, after Consul's DNS names:
 * `<service>.service.consul` in the agent's own datacenter and
 * `<service>.service.<dc>.consul` in others, unless a template is given.
 */
export function consulHost(
  service: string,
  dc: string,
  localDc: string,
  template: string | undefined,
): string {
  const svc = toDnsLabel(service);
  const dcLabel = toDnsLabel(dc);
  if (template !== undefined) return template.replaceAll('{service}', svc).replaceAll('{dc}', dcLabel);
  return dc === localDc ? `${svc}.service.consul` : `${svc}.service.${dcLabel}.consul`;
}

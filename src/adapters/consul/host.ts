import { toDns1123Label as toDnsLabel } from '../../convert/naming.js';
import { renderHost } from '../kit/host-template.js';

/** Placeholders a Consul `hostTemplate` may use. */
export const HOST_PLACEHOLDERS = ['{service}', '{dc}'] as const;

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
  if (template !== undefined) {
    return renderHost(
      template,
      new Map([
        ['{service}', service],
        ['{dc}', dc],
      ]),
    );
  }
  const svc = toDnsLabel(service);
  return dc === localDc ? `${svc}.service.consul` : `${svc}.service.${toDnsLabel(dc)}.consul`;
}

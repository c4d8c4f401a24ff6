import { toDns1123Host, toDns1123Label } from '../../convert/naming.js';
import { renderHost } from '../kit/host-template.js';

/** Placeholders a ZooKeeper `hostTemplate` may use (interface-level services only). */
export const HOST_PLACEHOLDERS = ['{interface}', '{group}', '{version}'] as const;

/** What an absent group or version fills a hostTemplate placeholder with. */
export const ABSENT_GROUP = 'default';
export const ABSENT_VERSION = 'default';

/** Whether a template splits an interface's providers by group or version. */
export function splitsBy(template: string | undefined): { group: boolean; version: boolean } {
  return { group: template?.includes('{group}') ?? false, version: template?.includes('{version}') ?? false };
}

/**
 * The host of an interface-level service: the interface name in lower case,
 * each dot-separated part a DNS-1123 label (`org.apache.dubbo.demo.DemoService`
 * → `org.apache.dubbo.demo.demoservice`), unless a template is given; there
 * each placeholder value becomes one label.
 */
export function interfaceHost(
  iface: string,
  group: string,
  version: string,
  template: string | undefined,
): string {
  if (template === undefined) return toDns1123Host(iface);
  return renderHost(
    template,
    new Map([
      ['{interface}', iface],
      ['{group}', group === '' ? ABSENT_GROUP : group],
      ['{version}', version === '' ? ABSENT_VERSION : version],
    ]),
  );
}

/** The host of an application-level service: `<application>.dubbo`. */
export function applicationHost(app: string): string {
  return `${toDns1123Label(app)}.dubbo`;
}

import type { QueryOptions } from './client.js';
import type { ConsulSettings } from './settings.js';

/** Query parameters every watch sends: datacenter, stale reads, namespace and partition only when set. */
export type QueryScope = Pick<QueryOptions, 'dc' | 'stale' | 'ns' | 'partition'>;

export function queryScope(dc: string, s: ConsulSettings): QueryScope {
  return {
    dc,
    stale: s.stale,
    // Consul 1.8 (OSS) rejects ?ns= with 400 even for "default": send only when configured.
    ...(s.consulNamespace === undefined ? {} : { ns: s.consulNamespace }),
    ...(s.partition === undefined ? {} : { partition: s.partition }),
  };
}

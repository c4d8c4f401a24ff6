import { BridgeError } from '../../errors.js';
import type { Backoff } from '../kit/backoff.js';
import type { Gate } from '../kit/gate.js';
import { runBlockingLoop } from './blocking-loop.js';
import type { ConsulClient } from './client.js';
import { knownDatacenters } from './datacenters.js';
import type { QueryScope } from './query-scope.js';

/** Service name → the union of its instances' tags, as /v1/catalog/services lists them. */
export type CatalogServices = ReadonlyMap<string, readonly string[]>;

export interface CatalogWatchOptions {
  readonly client: ConsulClient;
  readonly scope: QueryScope;
  readonly waitMs: number;
  readonly signal: AbortSignal;
  readonly backoff: Backoff;
  /** Closed while this watch fails, opened when it answers. */
  readonly gate: Gate;
  readonly onCatalog: (services: CatalogServices) => void;
  readonly onOk: () => void;
  readonly onError: (err: Error) => void;
}

/** Blocking watch on /v1/catalog/services of one datacenter (learns which services exist). */
export function watchCatalog(o: CatalogWatchOptions): Promise<void> {
  return runBlockingLoop({
    signal: o.signal,
    backoff: o.backoff,
    fetch: async (index, signal) => {
      try {
        return await o.client.get('v1/catalog/services', { ...o.scope, index, waitMs: o.waitMs, signal });
      } catch (err) {
        throw await explainUnknownDc(err, o.client, signal);
      }
    },
    onData: (body) => o.onCatalog(parseCatalog(body, o.client.address)),
    onOk: () => {
      o.gate.openUp();
      o.onOk();
    },
    onError: (err) => {
      o.gate.close();
      o.onError(err);
    },
  });
}

export function parseCatalog(body: unknown, address: string): CatalogServices {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BridgeError(
      'IRB_CONSUL_BAD_RESPONSE',
      `Consul at ${address} answered /v1/catalog/services with something other than an object`,
    );
  }
  const out = new Map<string, readonly string[]>();
  for (const [name, tags] of Object.entries(body as Record<string, unknown>)) {
    out.set(name, Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : []);
  }
  return out;
}

/** Adds the datacenters Consul does know to an unknown-datacenter error. */
async function explainUnknownDc(err: unknown, client: ConsulClient, signal: AbortSignal): Promise<unknown> {
  if (!(err instanceof BridgeError) || err.code !== 'IRB_CONSUL_UNKNOWN_DATACENTER') return err;
  try {
    const known = await knownDatacenters(client, signal);
    return new BridgeError(err.code, `${err.message} (Consul knows: ${known.join(', ') || 'none'})`, {
      cause: err,
    });
  } catch {
    return err;
  }
}

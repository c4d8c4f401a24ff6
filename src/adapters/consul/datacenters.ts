import { BridgeError } from '../../errors.js';
import type { ConsulClient } from './client.js';

/**
 * The datacenter of the agent the bridge talks to, from /v1/agent/self. A
 * token without agent:read gets 403 there; then the first entry of
 * /v1/catalog/datacenters (sorted by round-trip time, so the agent's own
 * datacenter comes first) is used.
 */
export async function localDatacenter(client: ConsulClient, signal: AbortSignal): Promise<string> {
  try {
    const { body } = await client.get('v1/agent/self', { signal });
    const dc = (body as { Config?: { Datacenter?: unknown } } | null)?.Config?.Datacenter;
    if (typeof dc === 'string' && dc !== '') return dc;
  } catch (err) {
    if (!(err instanceof BridgeError) || err.code !== 'IRB_REGISTRY_AUTH') throw err;
  }
  const known = await knownDatacenters(client, signal);
  if (known[0] === undefined) {
    throw new BridgeError('IRB_CONSUL_BAD_RESPONSE', `Consul at ${client.address} lists no datacenters`);
  }
  return known[0];
}

/** /v1/catalog/datacenters. */
export async function knownDatacenters(client: ConsulClient, signal: AbortSignal): Promise<string[]> {
  const { body } = await client.get('v1/catalog/datacenters', { signal });
  if (!Array.isArray(body) || !body.every((d) => typeof d === 'string')) {
    throw new BridgeError(
      'IRB_CONSUL_BAD_RESPONSE',
      `Consul at ${client.address} answered /v1/catalog/datacenters with something other than a list of names`,
    );
  }
  return body;
}

/**
 * The bare Consul cold-start read: the catalog, then every selected
 * service's health, `concurrency` at a time over one keep-alive agent.
 */
import http from 'node:http';
import { inParallel } from '../../test/support/in-parallel.js';
import type { Seen } from './bare-done.js';
import { getJson } from './consul-http.js';

/** Reads the services whose names start with `prefix`; counts services and health entries. */
export async function readConsul(base: string, prefix: string, concurrency: number): Promise<Seen> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    const catalog = await getJson(agent, `${base}/v1/catalog/services`);
    if (typeof catalog !== 'object' || catalog === null) throw new Error('catalog is not an object');
    const names = Object.keys(catalog).filter((n) => n.startsWith(prefix));
    let instances = 0;
    await inParallel(names, concurrency, async (name) => {
      const body = await getJson(agent, `${base}/v1/health/service/${encodeURIComponent(name)}`);
      if (!Array.isArray(body)) throw new Error(`health of ${name} is not a list`);
      instances += body.length;
    });
    return { services: names.length, instances };
  } finally {
    agent.destroy();
  }
}

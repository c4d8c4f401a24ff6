/**
 * The bare Eureka cold-start read: one full GET of `<base>/apps` as JSON,
 * gzip accepted (what a Eureka client asks for, and what the bridge asks
 * for), parsed, and the selected apps and their instances counted.
 */
import http from 'node:http';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Seen } from './bare-done.js';

function getBody(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const headers = { accept: 'application/json', 'accept-encoding': 'gzip' };
    http
      .get(url, { headers }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`GET ${url}: ${res.statusCode}`));
          return;
        }
        const body: Readable = res.headers['content-encoding'] === 'gzip' ? res.pipe(createGunzip()) : res;
        const chunks: Buffer[] = [];
        body.on('data', (c: Buffer) => chunks.push(c));
        body.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        body.on('error', reject);
      })
      .on('error', reject);
  });
}

/** One element, a list, or nothing, as a list (Eureka's JSON may use either for one). */
function list(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  return v === undefined || v === null ? [] : [v];
}

/** Counts the apps whose lower-case names start with `prefix`, and their instances. */
export async function readEureka(base: string, prefix: string): Promise<Seen> {
  const parsed = JSON.parse(await getBody(`${base}/apps`)) as {
    applications?: { application?: unknown };
  };
  let services = 0;
  let instances = 0;
  for (const app of list(parsed.applications?.application)) {
    const a = app as { name?: unknown; instance?: unknown };
    if (typeof a.name !== 'string' || !a.name.toLowerCase().startsWith(prefix)) continue;
    services++;
    instances += list(a.instance).length;
  }
  return { services, instances };
}

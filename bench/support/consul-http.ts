/** Plain node:http GETs against Consul's HTTP API, for the bench's bare clients. */
import http from 'node:http';

export interface HttpAnswer {
  readonly status: number;
  /** X-Consul-Index. */
  readonly index: string | undefined;
  readonly body: string;
}

export function httpGet(agent: http.Agent, url: string, signal?: AbortSignal): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const index = res.headers['x-consul-index'];
        resolve({
          status: res.statusCode ?? 0,
          index: Array.isArray(index) ? index[0] : index,
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
      res.on('error', reject);
    });
    req.on('error', (err) => reject(new Error(`GET ${url}: ${err.message}`, { cause: err })));
  });
}

export async function getJson(agent: http.Agent, url: string): Promise<unknown> {
  const res = await httpGet(agent, url);
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${res.body}`);
  return JSON.parse(res.body) as unknown;
}

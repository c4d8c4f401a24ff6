/**
 * The bare ZooKeeper client of the benches (node-zookeeper-client): a
 * session, child lists with or without a watch, and the cold-start read.
 */
import zookeeper from 'node-zookeeper-client';
import { inParallel } from '../../test/support/in-parallel.js';
import type { Seen } from './bare-done.js';

export type ZkClient = ReturnType<typeof zookeeper.createClient>;

/** A new session (10 s timeout); rejects when none is established in 15 s. */
export function connectClient(address: string): Promise<ZkClient> {
  const c = zookeeper.createClient(address, { sessionTimeout: 10_000, spinDelay: 100 });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no ZooKeeper session in 15 s')), 15_000);
    c.once('connected', () => {
      clearTimeout(timer);
      resolve(c);
    });
    c.connect();
  });
}

/** node-zookeeper-client's Exception inherits from Error at run time. */
function asError(e: unknown): Error {
  return e as Error;
}

export function listChildren(c: ZkClient, path: string, watcher?: () => void): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const done = (err: unknown, children: string[]): void => (err ? reject(asError(err)) : resolve(children));
    if (watcher) c.getChildren(path, watcher, done);
    else c.getChildren(path, done);
  });
}

/**
 * Lists `root` with a watch, then `<root>/<iface>/providers` with a watch for
 * every interface starting with `prefix`, `concurrency` at a time; counts
 * interfaces and providers.
 */
export async function readProviders(
  c: ZkClient,
  root: string,
  prefix: string,
  concurrency: number,
): Promise<Seen> {
  const ifaces = (await listChildren(c, root, () => undefined)).filter((n) => n.startsWith(prefix));
  let providers = 0;
  await inParallel(ifaces, concurrency, async (iface) => {
    // Not `providers += await ...`: that would read `providers` before the await.
    const listed = await listChildren(c, `${root}/${iface}/providers`, () => undefined);
    providers += listed.length;
  });
  return { services: ifaces.length, instances: providers };
}

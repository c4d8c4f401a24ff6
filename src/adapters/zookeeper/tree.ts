/** What the three tree watchers (interfaces, applications, mappings) share. */
import type { Logger } from 'pino';
import type { RegistrySink } from '../adapter.js';
import type { NameFilter } from '../kit/name-filter.js';
import type { Semaphore } from '../kit/semaphore.js';
import type { ServiceEmitter } from '../kit/service-emitter.js';
import type { ZkConnection } from './client.js';
import { isConnectionError } from './errors.js';
import type { KeyedSerial } from './serial.js';
import type { MappingOptions } from './to-service.js';

export interface TreeContext {
  readonly conn: ZkConnection;
  /** Bounds the reads in flight (maxConcurrentReads). */
  readonly slots: Semaphore;
  readonly signal: AbortSignal;
  /** One read per znode at a time. */
  readonly serial: KeyedSerial;
  readonly sink: RegistrySink;
  readonly emitter: ServiceEmitter;
  readonly filter: NameFilter;
  readonly mapping: MappingOptions;
  readonly logger: Logger;
  /**
   * Runs a read because a watch fired (or a new node was found): errors that
   * only mean "disconnected" are dropped (the next session re-reads
   * everything); others are reported and retried with back-off.
   */
  readonly refresh: (key: string, read: () => Promise<void>) => void;
}

/** Runs one ZooKeeper request inside a semaphore slot. */
export async function inSlot<T>(ctx: TreeContext, request: () => Promise<T>): Promise<T> {
  const release = await ctx.slots.acquire('high', ctx.signal);
  try {
    return await request();
  } finally {
    release();
  }
}

/**
 * For a resync: waits for the read of `key` already running (it started on
 * the current session, or fails and is run again here), else runs it.
 */
export async function readFresh(ctx: TreeContext, key: string, read: () => Promise<void>): Promise<void> {
  try {
    await ctx.serial.run(key, read);
  } catch (err) {
    if (!isConnectionError(err) || !ctx.conn.isConnected || ctx.signal.aborted) throw err;
    await ctx.serial.run(key, read);
  }
}

/**
 * Runs `fn` over `items` with at most `limit` running (a small pool rather
 * than thousands of semaphore waiters, each holding an abort listener), and
 * rejects with the first failure once all have settled.
 */
export async function allSettled<T>(
  items: Iterable<T>,
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  const list = [...items];
  let next = 0;
  let failure: { err: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < list.length) {
      const item = list[next++]!;
      try {
        await fn(item);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, list.length) }, worker));
  if (failure) throw failure.err;
}

/** Dubbo's own folders under the root, which are not interfaces. */
export const RESERVED_ROOT_CHILDREN: ReadonlySet<string> = new Set(['mapping', 'metadata', 'config']);

/** Shortens registry text for messages. */
export function clip(s: string, max = 120): string {
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}

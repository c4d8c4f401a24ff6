/**
 * One ZooKeeper connection for the adapter, on node-zookeeper-client.
 *
 * What the library does well and is used as is: the session handshake,
 * pings, round-robin over several servers, reconnecting with the same
 * session after a lost socket, and re-registering watches on that reconnect
 * (SetWatches with the last zxid, so changes made meanwhile still fire).
 *
 * What it lacks and this class adds:
 * - a read timeout: the library never notices a server that stops answering
 *   (a hung or frozen process, a half-open TCP connection) and stays
 *   "connected" forever. A probe request every third of the session timeout
 *   must answer within two thirds of it (the Java client's rule); otherwise
 *   the socket is closed, which makes the library reconnect (to the next server).
 * - a handshake timeout: a server that accepts TCP but never answers the
 *   connect request would hold the library in "connecting" forever.
 * - a new session after expiry or an auth failure: the library's client is
 *   dead then; a fresh one is created (after back-off) and everything is
 *   re-read by the caller (`onConnected` fires again).
 * - expiry noticed by the client (Curator's rule): a session no server has
 *   resumed within its timeout after the connection was lost is given up and
 *   a new one started. The library only learns of expiry from a server that
 *   answers the reconnect; a server whose data was wiped never does (its zxid
 *   is behind the one the client has seen, so it closes every reconnect of
 *   the old session) and the library would retry that session forever. The
 *   ensemble has not heard from the client for that long, so the old session
 *   is expired (or about to be) there as well.
 * - requests that can never complete (queued on a client that expired) are
 *   failed instead of hanging, and close() really releases the socket.
 *
 * The library's internals touched (`connectionManager.socket`, `.state`,
 * `.connectTimeoutHandler`) are read defensively: if they are not there,
 * the timeouts above are skipped and the library's own behaviour remains.
 */
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { createRequire } from 'node:module';
import type zookeeperModule from 'node-zookeeper-client';
import type { Backoff } from '../kit/backoff.js';
import type { SecretSource } from '../kit/secret.js';
import { ZK_CODES, ZkError, isNoNode, toZkError } from './errors.js';

type Client = ReturnType<typeof zookeeperModule.createClient>;

/** The client library, loaded on first connect: a bridge without a zookeeper registry never pays for it. */
let library: typeof zookeeperModule | undefined;
function zookeeperLibrary(): typeof zookeeperModule {
  library ??= createRequire(import.meta.url)('node-zookeeper-client') as typeof zookeeperModule;
  return library;
}
export type WatchEvent = Parameters<Parameters<Client['getChildren']>[1]>[0];
/** A watch callback; keep one function per path so re-arming it never registers a duplicate. */
export type Watcher = (event: WatchEvent) => void;

/** ConnectionManager.STATES.CLOSED in node-zookeeper-client. */
const LIB_CLOSED = -2;
/** Delay before the library retries a round of servers that all failed. */
const SPIN_DELAY_MS = 250;

interface ManagerInternals {
  socket?: Socket;
  state?: number;
  connectTimeoutHandler?: NodeJS.Timeout | null;
}

function internals(c: Client): ManagerInternals | undefined {
  const cm = (c as unknown as { connectionManager?: unknown }).connectionManager;
  return typeof cm === 'object' && cm !== null ? cm : undefined;
}

export interface ConnectionEvents {
  /** A session is usable (new, or resumed after a lost socket): re-read everything and re-arm watches. */
  readonly onConnected: () => void;
  /** The connection is gone, not answering, expired or refused; reads fail until the next onConnected. */
  readonly onLost: (err: ZkError) => void;
}

export interface ConnectionOptions {
  readonly servers: readonly string[];
  readonly sessionTimeoutMs: number;
  /** `user:password` for digest auth. */
  readonly digest?: SecretSource;
  /** Paces new sessions after expiry or an auth failure. */
  readonly backoff: Backoff;
  readonly logger: Logger;
}

export class ZkConnection {
  private client: Client | undefined;
  private generation = 0;
  private stopped = false;
  private connected = false;
  private watchdog: NodeJS.Timeout | undefined;
  private replaceTimer: NodeJS.Timeout | undefined;
  private probeSentAt: number | undefined;
  private lastProbeAt = 0;
  private handshake: { socket: Socket; since: number } | undefined;
  /** When the current session's connection was lost; undefined while connected or before the first connect. */
  private lostAt: number | undefined;
  private readonly pending = new Set<(err: Error) => void>();
  private readonly closing = new Set<Promise<void>>();
  /** For messages: the configured servers. */
  readonly servers: string;

  constructor(
    private readonly o: ConnectionOptions,
    private readonly events: ConnectionEvents,
  ) {
    this.servers = o.servers.join(',');
  }

  get isConnected(): boolean {
    return this.connected;
  }

  start(): void {
    this.createClient();
    const tick = Math.min(1_000, Math.max(50, Math.floor(this.o.sessionTimeoutMs / 10)));
    this.watchdog = setInterval(() => this.checkLiveness(), tick);
  }

  /** Children of `path`, or undefined when it does not exist. A watcher is armed either way (an exists watch when missing). */
  async getChildren(path: string, watcher?: Watcher): Promise<string[] | undefined> {
    try {
      return await this.call<string[]>(`list ${path}`, (c, done) =>
        watcher
          ? c.getChildren(path, watcher, (e, ch) => done(e, ch))
          : c.getChildren(path, (e, ch) => done(e, ch)),
      );
    } catch (err) {
      if (!isNoNode(err)) throw err;
    }
    // Gone: watch for it to come back. If it came back in between, read again.
    if (await this.exists(path, watcher)) return this.getChildren(path, watcher);
    return undefined;
  }

  /** Data of `path`, or undefined when it does not exist (then an exists watch is armed). */
  async getData(path: string, watcher?: Watcher): Promise<Buffer | undefined> {
    try {
      return await this.call<Buffer>(`read ${path}`, (c, done) =>
        watcher
          ? c.getData(path, watcher, (e, d) => done(e, d ?? Buffer.alloc(0)))
          : c.getData(path, (e, d) => done(e, d ?? Buffer.alloc(0))),
      );
    } catch (err) {
      if (!isNoNode(err)) throw err;
    }
    if (await this.exists(path, watcher)) return this.getData(path, watcher);
    return undefined;
  }

  /** Whether `path` exists; the watcher fires on its creation, deletion or data change. */
  exists(path: string, watcher?: Watcher): Promise<boolean> {
    return this.call<boolean>(`check ${path}`, (c, done) =>
      watcher
        ? c.exists(path, watcher, (e, stat) => done(e, Boolean(stat)))
        : c.exists(path, (e, stat) => done(e, Boolean(stat))),
    );
  }

  /** Closes the session and its socket; pending requests fail. Resolves when the socket is gone. */
  async close(): Promise<void> {
    this.stopped = true;
    clearInterval(this.watchdog);
    clearTimeout(this.replaceTimer);
    const c = this.client;
    this.client = undefined;
    this.connected = false;
    this.failPending('the adapter stopped');
    if (c) this.retire(c);
    await Promise.all([...this.closing]);
  }

  private call<T>(what: string, fn: (c: Client, done: (err: unknown, value: T) => void) => void): Promise<T> {
    const c = this.client;
    if (c === undefined || this.stopped) {
      return Promise.reject(
        new ZkError(
          'IRB_REGISTRY_UNREACHABLE',
          `ZooKeeper ${this.servers}: ${what}: no session`,
          ZK_CODES.CONNECTION_LOSS,
        ),
      );
    }
    return new Promise<T>((resolve, reject) => {
      const fail = (err: Error): void => {
        this.pending.delete(fail);
        reject(err);
      };
      this.pending.add(fail);
      fn(c, (err, value) => {
        if (!this.pending.delete(fail)) return; // already failed (client replaced or closed)
        // node-zookeeper-client's Exception inherits from Error at run time.
        if (err) reject(isNoNode(err) ? (err as Error) : toZkError(err, what, this.servers));
        else resolve(value);
      });
    });
  }

  private failPending(why: string): void {
    const fails = [...this.pending];
    this.pending.clear();
    for (const f of fails) {
      f(
        new ZkError(
          'IRB_REGISTRY_UNREACHABLE',
          `ZooKeeper ${this.servers}: ${why}`,
          ZK_CODES.CONNECTION_LOSS,
        ),
      );
    }
  }

  private createClient(): void {
    if (this.stopped) return;
    const gen = ++this.generation;
    // Each new session starts at another server, so one dead server is not tried first every time.
    const n = this.o.servers.length;
    const order = this.o.servers.map((_, i) => this.o.servers[(i + gen - 1) % n]!);
    const client = zookeeperLibrary().createClient(order.join(','), {
      sessionTimeout: this.o.sessionTimeoutMs,
      spinDelay: SPIN_DELAY_MS,
      retries: 0,
    });
    const digest = this.o.digest?.current();
    if (digest !== undefined) client.addAuthInfo('digest', Buffer.from(digest));
    client.on('state', (state) => this.onState(gen, state));
    this.client = client;
    this.probeSentAt = undefined;
    this.handshake = undefined;
    this.lostAt = undefined;
    client.connect();
  }

  private onState(gen: number, state: unknown): void {
    if (gen !== this.generation || this.stopped) return;
    const { State } = zookeeperLibrary();
    if (state === State.SYNC_CONNECTED) {
      this.connected = true;
      this.probeSentAt = undefined;
      this.lastProbeAt = Date.now();
      this.handshake = undefined;
      this.lostAt = undefined;
      this.o.backoff.reset();
      this.events.onConnected();
      return;
    }
    if (state === State.DISCONNECTED) {
      this.connected = false;
      this.lostAt ??= Date.now();
      this.events.onLost(
        this.lost('the connection was lost; reconnecting with the same session', ZK_CODES.CONNECTION_LOSS),
      );
      return;
    }
    if (state === State.EXPIRED) {
      this.connected = false;
      this.events.onLost(this.lost('the session expired; starting a new session', ZK_CODES.SESSION_EXPIRED));
      this.replaceClient();
      return;
    }
    if (state === State.AUTH_FAILED) {
      this.connected = false;
      this.o.digest?.reload();
      this.events.onLost(
        new ZkError(
          'IRB_REGISTRY_AUTH',
          `ZooKeeper ${this.servers}: digest authentication failed (check auth.file)`,
          ZK_CODES.AUTH_FAILED,
        ),
      );
      this.replaceClient();
    }
  }

  private lost(why: string, zkCode: number): ZkError {
    return new ZkError('IRB_REGISTRY_UNREACHABLE', `ZooKeeper ${this.servers}: ${why}`, zkCode);
  }

  /** Drops the current (dead) client and makes a new one after back-off. */
  private replaceClient(): void {
    const old = this.client;
    this.client = undefined;
    this.lostAt = undefined;
    this.failPending('the session ended');
    if (old) this.retire(old);
    clearTimeout(this.replaceTimer);
    this.replaceTimer = setTimeout(() => {
      this.replaceTimer = undefined;
      this.createClient();
    }, this.o.backoff.next());
  }

  /**
   * The library's missing timeouts. Connected: probe every third of the
   * session timeout; no answer within two thirds closes the socket. Not
   * connected: a socket that completed TCP but got no handshake answer within
   * the connect timeout is closed, so the next server is tried. A session not
   * resumed within its timeout is given up for a new one.
   */
  private checkLiveness(): void {
    const c = this.client;
    if (c === undefined || this.stopped) return;
    const cm = internals(c);
    const now = Date.now();
    const session = c.getSessionTimeout() || this.o.sessionTimeoutMs;
    if (this.connected) {
      if (this.probeSentAt !== undefined) {
        if (now - this.probeSentAt > (session * 2) / 3 && cm?.socket) {
          this.o.logger.warn(
            { waitedMs: now - this.probeSentAt },
            `zookeeper: ${this.servers} stopped answering; reconnecting`,
          );
          this.probeSentAt = undefined;
          cm.socket.destroy();
        }
        return;
      }
      if (now - this.lastProbeAt < session / 3) return;
      const gen = this.generation;
      this.probeSentAt = now;
      c.exists('/', (err) => {
        if (gen !== this.generation) return;
        this.probeSentAt = undefined;
        this.lastProbeAt = Date.now();
        if (err) this.o.logger.debug({ err: String(err) }, 'zookeeper: liveness probe failed');
      });
      return;
    }
    if (this.lostAt !== undefined && now - this.lostAt > session) {
      this.o.logger.warn(
        { disconnectedMs: now - this.lostAt, sessionTimeoutMs: session },
        `zookeeper: no server resumed the session within its timeout; starting a new session`,
      );
      this.events.onLost(
        this.lost(
          `no server resumed the session within its ${session} ms timeout (expired, or refused by a server whose data was reset); starting a new session`,
          ZK_CODES.SESSION_EXPIRED,
        ),
      );
      this.replaceClient();
      return;
    }
    const socket = cm?.socket;
    if (socket === undefined || socket.destroyed || socket.connecting) {
      this.handshake = undefined;
      return;
    }
    if (this.handshake?.socket !== socket) {
      this.handshake = { socket, since: now };
      return;
    }
    const connectTimeout = Math.max(500, Math.floor(this.o.sessionTimeoutMs / this.o.servers.length));
    if (now - this.handshake.since > connectTimeout) {
      this.o.logger.warn(
        `zookeeper: no handshake answer within ${connectTimeout} ms; trying the next server`,
      );
      this.handshake = undefined;
      socket.destroy();
    }
  }

  /** Closes a client for good: close request, then the socket, whatever state it was in. */
  private retire(c: Client): void {
    const done = (async () => {
      c.removeAllListeners('state');
      const cm = internals(c);
      // The library opens its first socket on the next tick; let it, so close() has one to close.
      if (cm && cm.socket === undefined) await new Promise((r) => setImmediate(r));
      try {
        c.close();
      } catch {
        // a client in a dead state may refuse; the socket is destroyed below
      }
      const deadline = Date.now() + 1_000;
      while (cm && cm.state !== LIB_CLOSED && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      // A reconnect timer may still open one more socket; wait it out and close that too.
      for (let round = 0; round < 2 && cm; round++) {
        if (cm.connectTimeoutHandler) clearTimeout(cm.connectTimeoutHandler);
        cm.socket?.destroy();
        if (round === 0 && cm.state !== LIB_CLOSED)
          await new Promise((r) => setTimeout(r, SPIN_DELAY_MS + 50));
      }
    })();
    this.closing.add(done);
    void done.finally(() => this.closing.delete(done));
  }
}

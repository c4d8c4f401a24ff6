/**
 * A scripted stand-in for a Eureka server's two read endpoints, for unit
 * tests of the read loop that need exact control (a delta that lies, a
 * server that errors). What real servers do is covered by the .int tests.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { appsHashcode } from '../../../src/adapters/eureka/hashcode.js';

export interface FakeInstance {
  readonly app: string;
  readonly id: string;
  readonly ip: string;
  readonly status?: string;
  readonly port?: number;
}

export class FakeEureka {
  readonly requests: string[] = [];
  /** Answer every request with this status (e.g. 500) instead of data. */
  failWith: number | undefined;
  /** Replaces the hashcode of the next delta answers. */
  lyingHashcode: string | undefined;
  /** A delta answer served as it is, whatever changes since (a stale cache entry). */
  private frozenDelta: unknown;
  private readonly held = new Map<string, FakeInstance>();
  private queue: { i: FakeInstance; action: string }[] = [];
  private server: Server | undefined;
  address = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.answer(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    const a = this.server.address();
    this.address = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/eureka`;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }

  put(i: FakeInstance): void {
    const key = `${i.app}/${i.id}`;
    const action = this.held.has(key) ? 'MODIFIED' : 'ADDED';
    this.held.set(key, i);
    this.queue.push({ i, action });
  }

  delete(app: string, id: string): void {
    const i = this.held.get(`${app}/${id}`);
    if (i === undefined) return;
    this.held.delete(`${app}/${id}`);
    this.queue.push({ i, action: 'DELETED' });
  }

  /** Forgets the delta queue (as the server does after its retention time). */
  dropQueue(): void {
    this.queue = [];
  }

  /**
   * From now on answers every delta request with the delta of this moment, as
   * a real server does when a write's cache invalidation was lost: the stale
   * answer's hashcode matches its own content. `false` thaws it.
   */
  freezeDelta(frozen: boolean): void {
    this.frozenDelta = frozen ? this.deltaDoc() : undefined;
  }

  count(path: string): number {
    return this.requests.filter((r) => r === path).length;
  }

  private hashcode(): string {
    const counts = new Map<string, number>();
    for (const i of this.held.values()) counts.set(i.status ?? 'UP', (counts.get(i.status ?? 'UP') ?? 0) + 1);
    return appsHashcode(counts);
  }

  private deltaDoc(): unknown {
    const latest = new Map<string, { i: FakeInstance; action: string }>();
    for (const e of this.queue) latest.set(`${e.i.app}/${e.i.id}`, e);
    return doc([...latest.values()], this.lyingHashcode ?? this.hashcode());
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    this.requests.push(req.url ?? '');
    if (this.failWith !== undefined) {
      res.statusCode = this.failWith;
      res.end('failing on purpose');
      return;
    }
    let body: unknown;
    if (req.url === '/eureka/apps') {
      body = doc(
        [...this.held.values()].map((i) => ({ i, action: 'ADDED' })),
        this.hashcode(),
      );
    } else if (req.url === '/eureka/apps/delta') {
      body = this.frozenDelta ?? this.deltaDoc();
    } else {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  }
}

function doc(entries: readonly { i: FakeInstance; action: string }[], hashcode: string): unknown {
  const apps = new Map<string, unknown[]>();
  for (const { i, action } of entries) {
    const list = apps.get(i.app) ?? [];
    list.push({
      instanceId: i.id,
      app: i.app,
      ipAddr: i.ip,
      hostName: `${i.id}.local`,
      status: i.status ?? 'UP',
      overriddenStatus: 'UNKNOWN',
      port: { $: i.port ?? 8080, '@enabled': 'true' },
      securePort: { $: 443, '@enabled': 'false' },
      metadata: { '@class': 'java.util.Collections$EmptyMap' },
      actionType: action,
    });
    apps.set(i.app, list);
  }
  return {
    applications: {
      versions__delta: '1',
      apps__hashcode: hashcode,
      application: [...apps].map(([name, instance]) => ({ name, instance })),
    },
  };
}

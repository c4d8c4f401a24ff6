/**
 * Starts real Eureka servers (the Spring Boot fixture in
 * test/fixtures/eureka-server, built by its build.sh into ~/.cache/irb) for
 * integration tests: a free loopback port, optional basic auth and short
 * delta retention, freeze (SIGSTOP) / thaw, kill and restart on the same
 * port, stop by PID; plus REST helpers to register, heartbeat, change
 * status or metadata, and deregister instances.
 *
 * Without java, or when the jar cannot be built, suites skip on a developer
 * machine and fail under CI (CI set).
 */
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'node:test';
import { freePort } from './ports.js';
import { ServerProcess } from './server-process.js';
import { unavailableSuite } from './skip.js';

const BUILD_SH = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'eureka-server', 'build.sh');

/** What build.sh produced: the jar to run and, when available, its CDS archive. */
export interface EurekaFixture {
  readonly jar: string;
  readonly cds: string | undefined;
}

let built: EurekaFixture | { readonly missing: string } | undefined;

/** Builds (or finds in the cache) the fixture jar; the reason when that is impossible. */
export function eurekaFixture(): EurekaFixture | { readonly missing: string } {
  if (built !== undefined) return built;
  const java = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (java.error !== undefined || java.status !== 0) {
    built = { missing: 'java not found in PATH (the Eureka fixture needs Java 17+ and Maven)' };
    return built;
  }
  const r = spawnSync('bash', [BUILD_SH], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) {
    const tail = `${r.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    built = { missing: `test/fixtures/eureka-server/build.sh failed (${r.status ?? r.signal}):\n${tail}` };
    return built;
  }
  const vars = new Map<string, string>();
  for (const line of r.stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) vars.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const jar = vars.get('EUREKA_SERVER_APP_JAR') || vars.get('EUREKA_SERVER_JAR');
  if (!jar) {
    built = { missing: `build.sh printed no jar path:\n${r.stdout}` };
    return built;
  }
  const cds = vars.get('EUREKA_SERVER_CDS') || undefined;
  built = { jar, cds: vars.get('EUREKA_SERVER_APP_JAR') ? cds : undefined };
  return built;
}

/**
 * `describe` for suites that need a real Eureka server. Without one the
 * suite is one counted skip with the reason, or a failing test under CI
 * (`unavailableSuite`).
 */
export function describeWithEureka(name: string, fn: (fixture: EurekaFixture) => void): void {
  const f = eurekaFixture();
  if (!('missing' in f)) {
    describe(name, () => fn(f));
    return;
  }
  unavailableSuite(name, f.missing);
}

export interface EurekaServerOptions {
  /** Turns on HTTP basic auth with this user (wrong or missing credentials: 401). */
  readonly auth?: { readonly user: string; readonly password: string };
  /**
   * How long a change stays in /apps/delta (Eureka's default is 3 minutes);
   * short values let a test make the bridge miss a delta.
   */
  readonly deltaRetentionMs?: number;
  /**
   * Serves HTTPS only, with this certificate and key (PEM files); with
   * `clientCa`, clients must present a certificate signed by it. `client`
   * is what the helpers here use to connect.
   */
  readonly tls?: {
    readonly cert: string;
    readonly key: string;
    readonly clientCa?: string;
    readonly client: { readonly ca: Buffer; readonly cert?: Buffer; readonly key?: Buffer };
  };
  /** More `--key=value` Spring properties. */
  readonly properties?: readonly string[];
}

const START_TIMEOUT_MS = 180_000;

/**
 * A Eureka server; it keeps its registry in memory, so kill() loses it and
 * restart() brings the server back empty on the same port. stop() sends
 * SIGKILL after 5 s.
 */
export class EurekaServer extends ServerProcess {
  private constructor(
    readonly fixture: EurekaFixture,
    readonly port: number,
    readonly dir: string,
    readonly opts: EurekaServerOptions,
  ) {
    super({ name: 'eureka', dir, logFile: 'eureka.log', tailLines: 40, killAfterMs: 5_000 });
  }

  static async start(fixture: EurekaFixture, opts: EurekaServerOptions = {}): Promise<EurekaServer> {
    const dir = mkdtempSync(join(tmpdir(), 'irb-eureka-'));
    const server = new EurekaServer(fixture, await freePort(), dir, opts);
    await server.launch();
    return server;
  }

  /** The base URL the adapter is given (`http://127.0.0.1:<port>/eureka`). */
  get address(): string {
    return `${this.opts.tls ? 'https' : 'http'}://127.0.0.1:${this.port}/eureka`;
  }

  /** One REST call with the server's credentials; returns the status and body text. */
  async call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; text: string }> {
    const h: Record<string, string> = { accept: 'application/json', ...headers };
    if (this.opts.auth) {
      h.authorization = `Basic ${Buffer.from(`${this.opts.auth.user}:${this.opts.auth.password}`).toString('base64')}`;
    }
    const payload = body === undefined ? undefined : JSON.stringify(body);
    if (payload !== undefined) h['content-type'] = 'application/json';
    const url = new URL(`${this.address}${path}`);
    const tls = this.opts.tls?.client;
    return new Promise((resolve, reject) => {
      const options = {
        method,
        headers: h,
        timeout: 30_000,
        ...(tls ? { ca: tls.ca, cert: tls.cert, key: tls.key } : {}),
      };
      const req = (tls ? https : http).request(url, options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`eureka ${method} ${path}: no answer in 30 s`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  private async expect(method: string, path: string, ok: readonly number[], body?: unknown): Promise<string> {
    const r = await this.call(method, path, body);
    if (!ok.includes(r.status))
      throw new Error(`eureka ${method} ${path}: ${r.status} ${r.text.slice(0, 300)}`);
    return r.text;
  }

  /** POST /apps/{app}: registers (or re-registers, replacing) an instance. */
  async register(def: InstanceDef): Promise<void> {
    await this.expect('POST', `/apps/${encodeURIComponent(def.app)}`, [204], { instance: instanceJson(def) });
  }

  /** PUT /apps/{app}/{id}: a heartbeat; false when the server does not know the instance (404). */
  async heartbeat(app: string, id: string): Promise<boolean> {
    const r = await this.call('PUT', `/apps/${encodeURIComponent(app)}/${encodeURIComponent(id)}`);
    if (r.status !== 200 && r.status !== 404) throw new Error(`eureka heartbeat ${app}/${id}: ${r.status}`);
    return r.status === 200;
  }

  /** PUT .../status?value=S: an operator override (overriddenStatus). */
  async setStatus(app: string, id: string, status: string): Promise<void> {
    await this.expect('PUT', `${instancePath(app, id)}/status?value=${encodeURIComponent(status)}`, [200]);
  }

  /** DELETE .../status?value=UP: clears the override. */
  async clearStatus(app: string, id: string, value = 'UP'): Promise<void> {
    await this.expect('DELETE', `${instancePath(app, id)}/status?value=${encodeURIComponent(value)}`, [200]);
  }

  /** PUT .../metadata?k=v: merged into the instance's metadata. */
  async setMetadata(app: string, id: string, entries: Readonly<Record<string, string>>): Promise<void> {
    const q = new URLSearchParams(Object.entries(entries)).toString();
    await this.expect('PUT', `${instancePath(app, id)}/metadata?${q}`, [200]);
  }

  /** DELETE /apps/{app}/{id}. */
  async deregister(app: string, id: string): Promise<void> {
    await this.expect('DELETE', instancePath(app, id), [200]);
  }

  /** GET /apps (JSON). */
  async apps(): Promise<unknown> {
    return JSON.parse(await this.expect('GET', '/apps', [200])) as unknown;
  }

  /** GET /apps/delta (JSON). */
  async delta(): Promise<unknown> {
    return JSON.parse(await this.expect('GET', '/apps/delta', [200])) as unknown;
  }

  private args(): string[] {
    const o = this.opts;
    const args = [
      '-Xmx256m',
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      ...(this.fixture.cds
        ? [`-XX:SharedArchiveFile=${this.fixture.cds}`, '-Xlog:cds=off', '-Xlog:cds+dynamic=off']
        : []),
      '-jar',
      this.fixture.jar,
      `--server.port=${this.port}`,
    ];
    if (o.auth) {
      args.push(
        '--fixture.auth.enabled=true',
        `--spring.security.user.name=${o.auth.user}`,
        `--spring.security.user.password=${o.auth.password}`,
      );
    }
    if (o.deltaRetentionMs !== undefined) {
      const ms = o.deltaRetentionMs;
      args.push(
        `--eureka.server.retention-time-in-ms-in-delta-queue=${ms}`,
        `--eureka.server.delta-retention-timer-interval-in-ms=${Math.max(100, Math.floor(ms / 2))}`,
        `--eureka.server.response-cache-auto-expiration-in-seconds=${Math.max(1, Math.ceil(ms / 1000))}`,
      );
    }
    if (o.tls) {
      args.push(
        '--server.ssl.enabled=true',
        `--server.ssl.certificate=file:${o.tls.cert}`,
        `--server.ssl.certificate-private-key=file:${o.tls.key}`,
      );
      if (o.tls.clientCa) {
        args.push('--server.ssl.client-auth=need', `--server.ssl.trust-certificate=file:${o.tls.clientCa}`);
      }
    }
    args.push(...(o.properties ?? []));
    return args;
  }

  protected override async launch(): Promise<void> {
    await this.spawnUntilReady(
      'java',
      this.args(),
      async () => (await this.call('GET', '/apps')).status === 200,
      {
        timeoutMs: START_TIMEOUT_MS,
        pollMs: 100,
        notReady: `did not answer GET /eureka/apps within ${START_TIMEOUT_MS / 1000} s`,
      },
    );
  }
}

function instancePath(app: string, id: string): string {
  return `/apps/${encodeURIComponent(app)}/${encodeURIComponent(id)}`;
}

/** An instance as a test registers it; unset fields get the defaults of a plain Spring Boot client. */
export interface InstanceDef {
  readonly app: string;
  readonly id: string;
  readonly ip: string;
  /** Plain port (enabled); `null` registers it disabled. */
  readonly port?: number | null;
  /** Secure port (enabled); absent or `null`: disabled. */
  readonly securePort?: number | null;
  readonly status?: string;
  readonly hostName?: string;
  readonly vipAddress?: string;
  readonly metadata?: Readonly<Record<string, string>>;
  /** Replaces the default `MyOwn` dataCenterInfo (e.g. an AmazonInfo). */
  readonly dataCenterInfo?: unknown;
  /** Lease duration in seconds (default 600: tests deregister rather than wait for eviction). */
  readonly leaseSeconds?: number;
}

/** The JSON body of a registration. */
export function instanceJson(d: InstanceDef): Record<string, unknown> {
  const port = d.port === undefined ? 8080 : d.port;
  return {
    instanceId: d.id,
    hostName: d.hostName ?? `${d.id.toLowerCase().replace(/[^a-z0-9-]/g, '-')}.test`,
    app: d.app,
    ipAddr: d.ip,
    status: d.status ?? 'UP',
    vipAddress: d.vipAddress ?? d.app.toLowerCase(),
    port: { $: port ?? 8080, '@enabled': port === null ? 'false' : 'true' },
    securePort: { $: d.securePort ?? 443, '@enabled': d.securePort == null ? 'false' : 'true' },
    dataCenterInfo: d.dataCenterInfo ?? {
      '@class': 'com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo',
      name: 'MyOwn',
    },
    leaseInfo: { renewalIntervalInSecs: 30, durationInSecs: d.leaseSeconds ?? 600 },
    metadata: d.metadata ?? {},
  };
}

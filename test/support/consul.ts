/**
 * Starts real Consul agents for integration tests: free loopback ports, an
 * optional ACL-enabled mode, dev (in-memory) or persistent (data dir) mode,
 * kill/restart on the same ports, and small HTTP helpers to register,
 * deregister and flip health. Agents are stopped by PID.
 *
 * The binary is `CONSUL_BIN` or `consul` on PATH (.ci/install-consul.sh
 * installs it). Without it, suites skip, except under CI where they fail.
 */
import { accessSync, constants, mkdtempSync, writeFileSync } from 'node:fs';
import { freePort } from './ports.js';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe } from 'node:test';
import { ServerProcess } from './server-process.js';
import { unavailableSuite } from './skip.js';

export function findConsul(): string | undefined {
  const fromEnv = process.env.CONSUL_BIN;
  if (fromEnv) return fromEnv;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'consul');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * `describe` for suites that need a real Consul. Without a binary the suite
 * is one skipped test with a message (counted by the runner), or, under CI,
 * one failing test that says how to install it.
 */
export function describeWithConsul(name: string, fn: (bin: string) => void): void {
  const bin = findConsul();
  if (bin !== undefined) {
    describe(name, () => fn(bin));
    return;
  }
  unavailableSuite(
    name,
    'consul binary not found (set CONSUL_BIN or put consul on PATH; run .ci/install-consul.sh as root to install Consul 1.8.7)',
  );
}

export interface ConsulAgentOptions {
  /** Turns on ACLs with default deny; the master token is also the agent token. */
  readonly aclMasterToken?: string;
  /**
   * Keep state in a data dir (a single server, not -dev) so the catalog
   * survives kill + restart. Dev mode keeps it in memory: restart empties it.
   */
  readonly persistent?: boolean;
  readonly nodeName?: string;
}

/**
 * A Consul agent; restart() brings it back on the same ports (and data dir in
 * persistent mode), stop() sends SIGKILL after 3 s.
 */
export class ConsulAgent extends ServerProcess {
  private constructor(
    readonly bin: string,
    readonly dir: string,
    readonly ports: { http: number; serfLan: number; serfWan: number; server: number },
    readonly opts: ConsulAgentOptions,
  ) {
    super({ name: 'consul', dir, logFile: 'consul.log', tailLines: 30, killAfterMs: 3_000 });
  }

  static async start(bin: string, opts: ConsulAgentOptions = {}): Promise<ConsulAgent> {
    const dir = mkdtempSync(join(tmpdir(), 'irb-consul-'));
    const ports = {
      http: await freePort(),
      serfLan: await freePort(),
      serfWan: await freePort(),
      server: await freePort(),
    };
    const agent = new ConsulAgent(bin, dir, ports, opts);
    writeFileSync(join(dir, 'agent.hcl'), agent.configText());
    await agent.launch();
    return agent;
  }

  get address(): string {
    return `http://127.0.0.1:${this.ports.http}`;
  }

  get nodeName(): string {
    return this.opts.nodeName ?? 'ci-consul';
  }

  /** One HTTP call to the agent with the master token (if any); returns parsed JSON or text. */
  async api(
    method: string,
    path: string,
    body?: unknown,
    token = this.opts.aclMasterToken,
  ): Promise<unknown> {
    const res = await fetch(`${this.address}${path}`, {
      method,
      headers: token ? { 'x-consul-token': token } : {},
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`consul ${method} ${path}: ${res.status} ${text}`);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }

  /** PUT /v1/agent/service/register (instance on the agent's own node). */
  async registerService(def: AgentServiceDef): Promise<void> {
    await this.api('PUT', '/v1/agent/service/register', def);
  }

  async deregisterService(id: string): Promise<void> {
    await this.api('PUT', `/v1/agent/service/deregister/${encodeURIComponent(id)}`);
  }

  /** Sets a TTL check to passing, warning or critical. */
  async setCheck(checkId: string, status: 'passing' | 'warning' | 'critical'): Promise<void> {
    const verb = status === 'passing' ? 'pass' : status === 'warning' ? 'warn' : 'fail';
    await this.api('PUT', `/v1/agent/check/${verb}/${encodeURIComponent(checkId)}`);
  }

  /** PUT /v1/catalog/register: an instance on an external node. */
  async catalogRegister(reg: CatalogRegistration): Promise<void> {
    await this.api('PUT', '/v1/catalog/register', reg);
  }

  async catalogDeregister(node: string, serviceId?: string): Promise<void> {
    await this.api(
      'PUT',
      '/v1/catalog/deregister',
      serviceId ? { Node: node, ServiceID: serviceId } : { Node: node },
    );
  }

  /** Creates a policy and a token for it; returns the token's SecretID. */
  async createToken(name: string, rules: string): Promise<string> {
    await this.api('PUT', '/v1/acl/policy', { Name: name, Rules: rules });
    const token = (await this.api('PUT', '/v1/acl/token', {
      Description: name,
      Policies: [{ Name: name }],
    })) as {
      SecretID: string;
    };
    return token.SecretID;
  }

  private configText(): string {
    const lines = [
      `node_name = "${this.nodeName}"`,
      'bind_addr = "127.0.0.1"',
      'client_addr = "127.0.0.1"',
      'log_level = "warn"',
      'disable_update_check = true',
      `ports { http = ${this.ports.http}, dns = -1, grpc = -1, serf_lan = ${this.ports.serfLan}, serf_wan = ${this.ports.serfWan}, server = ${this.ports.server} }`,
    ];
    if (this.opts.persistent) {
      lines.push(
        'server = true',
        'bootstrap_expect = 1',
        `data_dir = "${join(this.dir, 'data')}"`,
        'performance { raft_multiplier = 1 }',
      );
    }
    if (this.opts.aclMasterToken !== undefined) {
      const t = this.opts.aclMasterToken;
      lines.push(
        'primary_datacenter = "dc1"',
        `acl { enabled = true, default_policy = "deny", enable_token_persistence = true, tokens { master = "${t}", agent = "${t}" } }`,
      );
    }
    return `${lines.join('\n')}\n`;
  }

  protected override async launch(): Promise<void> {
    const args = [
      'agent',
      ...(this.opts.persistent ? [] : ['-dev']),
      `-config-file=${join(this.dir, 'agent.hcl')}`,
    ];
    await this.spawnUntilReady(this.bin, args, () => this.ready(), {
      timeoutMs: 30_000,
      pollMs: 50,
      notReady: 'did not become ready in 30 s',
    });
  }

  /** A leader is elected and the agent's own node is in the catalog. */
  private async ready(): Promise<boolean> {
    const leader = await this.api('GET', '/v1/status/leader');
    if (typeof leader !== 'string' || leader === '') return false;
    const nodes = (await this.api('GET', '/v1/catalog/nodes')) as { Node: string }[];
    return nodes.some((n) => n.Node === this.nodeName);
  }
}

export interface CheckDef {
  readonly CheckID: string;
  readonly TTL?: string;
  readonly Status?: 'passing' | 'warning' | 'critical';
  readonly Name?: string;
}

export interface AgentServiceDef {
  readonly ID: string;
  readonly Name: string;
  readonly Tags?: readonly string[];
  readonly Address?: string;
  readonly Port?: number;
  readonly Meta?: Readonly<Record<string, string>>;
  readonly Kind?: string;
  readonly Proxy?: unknown;
  readonly Checks?: readonly CheckDef[];
}

export interface CatalogRegistration {
  readonly Node: string;
  readonly Address: string;
  readonly NodeMeta?: Readonly<Record<string, string>>;
  readonly Service?: {
    readonly ID: string;
    readonly Service: string;
    readonly Tags?: readonly string[];
    readonly Address?: string;
    readonly Port?: number;
    readonly Meta?: Readonly<Record<string, string>>;
  };
  readonly Checks?: readonly {
    readonly Node: string;
    readonly CheckID: string;
    readonly Name: string;
    readonly Status: 'passing' | 'warning' | 'critical';
    readonly ServiceID?: string;
  }[];
  readonly SkipNodeUpdate?: boolean;
}

/** A TTL check that starts in the given state. */
export function ttlCheck(id: string, status: 'passing' | 'warning' | 'critical' = 'passing'): CheckDef {
  return { CheckID: id, TTL: '10m', Status: status };
}

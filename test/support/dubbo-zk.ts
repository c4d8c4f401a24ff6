/**
 * Writes znodes the way Apache Dubbo 3.3 does (see
 * shared/reference/real-registries.md, "Dubbo layouts in ZooKeeper"):
 * interface level `/dubbo/<iface>/providers/<URL.encode(url)>` (ephemeral),
 * application level `/services/<app>/<ip:port>` holding Curator x-discovery
 * JSON (ephemeral), and the mapping `/dubbo/mapping/<iface>` = `app1,app2`.
 * Test-only; uses node-zookeeper-client.
 */
import zookeeper from 'node-zookeeper-client';

const { CreateMode, Exception } = zookeeper;

/** Java's URLEncoder.encode(s, "UTF-8"): keeps A-Z a-z 0-9 . - * _, a space becomes '+', the rest %XX. */
export function javaUrlEncode(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9.\-*_]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export interface ProviderSpec {
  readonly protocol?: string;
  readonly host: string;
  readonly port: number;
  readonly iface: string;
  /** URL parameters; `interface`, `side` and `application` get defaults. */
  readonly params?: Readonly<Record<string, string>>;
}

/** A provider URL as Dubbo 3.3 writes it: parameters sorted, IPv6 hosts in brackets. */
export function providerUrl(p: ProviderSpec): string {
  const params: Record<string, string> = {
    application: 'demo-provider',
    dubbo: '2.0.2',
    interface: p.iface,
    methods: 'sayHello,sayHelloAsync',
    release: '3.3.6',
    side: 'provider',
    timestamp: '1795659898736',
    ...p.params,
  };
  const query = Object.keys(params)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
  const host = p.host.includes(':') ? `[${p.host}]` : p.host;
  return `${p.protocol ?? 'dubbo'}://${host}:${p.port}/${p.iface}?${query}`;
}

export interface InstanceSpec {
  readonly app: string;
  readonly address: string;
  readonly endpoints: readonly { port: number; protocol: string }[];
  readonly metadata?: Readonly<Record<string, string>>;
}

/** The id Dubbo gives an instance: `<ip>:<first protocol's port>`. */
export function instanceId(i: InstanceSpec): string {
  return `${i.address}:${i.endpoints[0]!.port}`;
}

/** Curator x-discovery JSON as Dubbo (Java) writes it, with `payload.@class`. */
export function javaInstanceJson(i: InstanceSpec): string {
  const id = instanceId(i);
  return JSON.stringify({
    name: i.app,
    id,
    address: i.address,
    port: i.endpoints[0]!.port,
    sslPort: null,
    payload: {
      '@class': 'org.apache.dubbo.registry.zookeeper.ZookeeperInstance',
      id,
      name: i.app,
      metadata: {
        'dubbo.endpoints': JSON.stringify(i.endpoints),
        'dubbo.metadata-service.url-params':
          '{"prefer.serialization":"hessian2","version":"1.0.0","port":"20880","protocol":"dubbo"}',
        'dubbo.metadata.revision': '871fbc9cb2730caea9b0d858852d5ede',
        'dubbo.metadata.storage-type': 'local',
        timestamp: '1795659898736',
        ...i.metadata,
      },
    },
    registrationTimeUTC: 1795659898736,
    serviceType: 'DYNAMIC',
    uriSpec: null,
  });
}

/** dubbo-go's slimmer form: payload a plain map (no @class), no sslPort/serviceType/uriSpec. */
export function goInstanceJson(i: InstanceSpec): string {
  const id = instanceId(i);
  return JSON.stringify({
    name: i.app,
    id,
    address: i.address,
    port: i.endpoints[0]!.port,
    payload: {
      id,
      name: i.app,
      metadata: {
        'dubbo.endpoints': JSON.stringify(i.endpoints),
        'dubbo.metadata.revision': 'b5e1d3c0a1',
        'dubbo.metadata.storage-type': 'local',
        ...i.metadata,
      },
    },
    registrationTimeUTC: 1795659898736,
  });
}

type ZkClient = ReturnType<typeof zookeeper.createClient>;

/** node-zookeeper-client's Exception inherits from Error at run time (its typings say otherwise). */
function asError(e: unknown): Error {
  return e as Error;
}

function isCode(err: unknown, code: number): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

/** A ZooKeeper session that writes Dubbo's znodes. Ephemeral nodes live as long as it does. */
export class DubboZk {
  private constructor(
    readonly client: ZkClient,
    readonly root: string,
  ) {}

  static async connect(address: string, opts: { sessionMs?: number; root?: string } = {}): Promise<DubboZk> {
    const client = zookeeper.createClient(address, {
      sessionTimeout: opts.sessionMs ?? 4000,
      spinDelay: 100,
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ZooKeeper session with ${address} in 15 s`)),
        15_000,
      );
      client.once('connected', () => {
        clearTimeout(timer);
        resolve();
      });
      client.connect();
    });
    return new DubboZk(client, opts.root ?? '/dubbo');
  }

  providersPath(iface: string): string {
    return `${this.root}/${iface}/providers`;
  }

  /** Registers a provider URL under its interface (ephemeral unless told otherwise); returns the znode path. */
  async registerProvider(iface: string, url: string, opts: { ephemeral?: boolean } = {}): Promise<string> {
    await this.mkdirp(this.providersPath(iface));
    const path = `${this.providersPath(iface)}/${javaUrlEncode(url)}`;
    const mode = opts.ephemeral === false ? CreateMode.PERSISTENT : CreateMode.EPHEMERAL;
    await this.create(path, Buffer.from('127.0.0.1'), mode);
    return path;
  }

  async unregisterProvider(iface: string, url: string): Promise<void> {
    await this.remove(`${this.providersPath(iface)}/${javaUrlEncode(url)}`);
  }

  /** Creates a child under providers/ with this exact (already encoded or malformed) name. */
  async registerRawProvider(iface: string, name: string, opts: { ephemeral?: boolean } = {}): Promise<void> {
    await this.mkdirp(this.providersPath(iface));
    const mode = opts.ephemeral === false ? CreateMode.PERSISTENT : CreateMode.EPHEMERAL;
    await this.create(`${this.providersPath(iface)}/${name}`, Buffer.from('127.0.0.1'), mode);
  }

  /** `/services/<app>/<id>` with the given JSON (ephemeral). */
  async registerInstance(app: string, id: string, json: string, servicesRoot = '/services'): Promise<void> {
    await this.mkdirp(`${servicesRoot}/${app}`);
    await this.create(`${servicesRoot}/${app}/${id}`, Buffer.from(json), CreateMode.EPHEMERAL);
  }

  async updateInstance(app: string, id: string, json: string, servicesRoot = '/services'): Promise<void> {
    await new Promise<void>((resolve, reject) =>
      this.client.setData(`${servicesRoot}/${app}/${id}`, Buffer.from(json), (err) =>
        err ? reject(asError(err)) : resolve(),
      ),
    );
  }

  /** `/dubbo/mapping/<iface>` = `app1,app2` (persistent). */
  async setMapping(iface: string, apps: readonly string[]): Promise<void> {
    const path = `${this.root}/mapping/${iface}`;
    await this.mkdirp(`${this.root}/mapping`);
    try {
      await this.create(path, Buffer.from(apps.join(',')), CreateMode.PERSISTENT);
    } catch (err) {
      if (!isCode(err, Exception.NODE_EXISTS)) throw err;
      await new Promise<void>((resolve, reject) =>
        this.client.setData(path, Buffer.from(apps.join(',')), (e) => (e ? reject(asError(e)) : resolve())),
      );
    }
  }

  /** Creates the path and its missing parents (persistent, empty). */
  mkdirp(path: string): Promise<void> {
    return new Promise((resolve, reject) =>
      this.client.mkdirp(path, (err) => (err ? reject(asError(err)) : resolve())),
    );
  }

  create(path: string, data: Buffer, mode: number): Promise<void> {
    return new Promise((resolve, reject) =>
      this.client.create(path, data, mode, (err) => (err ? reject(asError(err)) : resolve())),
    );
  }

  /** Deletes a node and everything under it; a missing node is fine. */
  async remove(path: string): Promise<void> {
    const children = await new Promise<string[]>((resolve, reject) =>
      this.client.getChildren(path, (err, c) => {
        if (err && isCode(err, Exception.NO_NODE)) resolve([]);
        else if (err) reject(asError(err));
        else resolve(c);
      }),
    );
    for (const c of children) await this.remove(`${path}/${c}`);
    await new Promise<void>((resolve, reject) =>
      this.client.remove(path, (err) =>
        err && !isCode(err, Exception.NO_NODE) ? reject(asError(err)) : resolve(),
      ),
    );
  }

  children(path: string): Promise<string[]> {
    return new Promise((resolve, reject) =>
      this.client.getChildren(path, (err, c) => {
        if (err && isCode(err, Exception.NO_NODE)) resolve([]);
        else if (err) reject(asError(err));
        else resolve(c);
      }),
    );
  }

  data(path: string): Promise<Buffer | undefined> {
    return new Promise((resolve, reject) =>
      this.client.getData(path, (err, d) => {
        if (err && isCode(err, Exception.NO_NODE)) resolve(undefined);
        else if (err) reject(asError(err));
        else resolve(d);
      }),
    );
  }

  /** Closes the session (its ephemeral nodes go at once). */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2_000);
      this.client.once('disconnected', () => {
        clearTimeout(timer);
        resolve();
      });
      this.client.close();
    });
  }
}

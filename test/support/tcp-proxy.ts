/**
 * A TCP relay on a free loopback port that forwards each connection to one
 * backend port, for moving a client (istiod) from one server to another the
 * way a load balancer or a Service endpoint change does: `switchTo()` sends
 * new connections to another backend and closes the open ones, so the client
 * reconnects and lands on the new backend. Bytes are passed through untouched.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { freePort } from './ports.js';

export class TcpProxy {
  private readonly pairs = new Set<[Socket, Socket]>();
  private accepted = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private backendPort: number,
  ) {}

  /** Listens on a free 127.0.0.1 port and forwards to 127.0.0.1:`backendPort`. */
  static async start(backendPort: number): Promise<TcpProxy> {
    const port = await freePort();
    const server = createServer();
    const proxy = new TcpProxy(server, port, backendPort);
    server.on('connection', (client: Socket) => proxy.relay(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  /** host:port to give the client. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** The backend new connections go to. */
  get backend(): number {
    return this.backendPort;
  }

  /** Connections accepted so far. */
  get connections(): number {
    return this.accepted;
  }

  /** Connections open now. */
  get open(): number {
    return this.pairs.size;
  }

  /** Sends new connections to 127.0.0.1:`backendPort` and closes every open one. */
  switchTo(backendPort: number): void {
    this.backendPort = backendPort;
    for (const [client, upstream] of [...this.pairs]) {
      client.destroy();
      upstream.destroy();
    }
  }

  /** Closes every connection and stops listening. */
  async stop(): Promise<void> {
    for (const [client, upstream] of [...this.pairs]) {
      client.destroy();
      upstream.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket): void {
    this.accepted++;
    const upstream = connect(this.backendPort, '127.0.0.1');
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    const close = (): void => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}

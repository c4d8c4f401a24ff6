/**
 * A SotW ADS client on bare node:http2 for the peer bench's push rows. It
 * does the gRPC framing itself and counts a response as received when the
 * response's last byte arrives, before anything joins or decodes it: the way
 * the raw TCP and bare HTTP/2 baselines count theirs. (grpc-js's client, the
 * other push row, also joins the parts into one buffer before handing it
 * over, which at 30k services is a 34 MB copy on the client's side.)
 */
import { connect, type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';
import { protoTypes } from '../../src/codec/proto.js';
import { SOTW_PATH } from '../../src/mcp/service-def.js';
import { GO_GRPC_BDP_LIMIT, SE, versionAndNonce, type RawResponse } from './raw-ads-client.js';

const HEADER_BYTES = 5;

export class H2AdsClient {
  private readonly queue: RawResponse[] = [];
  private waiter: ((r: RawResponse) => void) | undefined;
  private failure: Error | undefined;
  private readonly header = Buffer.alloc(HEADER_BYTES);
  private headerGot = 0;
  /** Length of the message being read; -1 while reading a header. */
  private need = -1;
  private got = 0;
  private parts: Buffer[] = [];

  private constructor(
    private readonly session: ClientHttp2Session,
    private readonly stream: ClientHttp2Stream,
  ) {
    stream.on('data', (d: Buffer) => this.onData(d));
    const fail = (err: Error): void => {
      this.failure ??= err;
    };
    stream.on('error', fail);
    session.on('error', fail);
    stream.on('close', () => fail(new Error('the ADS stream closed')));
  }

  /** Connects with windows opened like the bench's gRPC client and sends the first request. */
  static async open(address: string): Promise<H2AdsClient> {
    const session = connect(`http://${address}`, { settings: { initialWindowSize: GO_GRPC_BDP_LIMIT } });
    await new Promise<void>((resolve, reject) => {
      session.once('connect', () => resolve());
      session.once('error', reject);
    });
    session.setLocalWindowSize(GO_GRPC_BDP_LIMIT);
    const stream = session.request(
      { ':method': 'POST', ':path': SOTW_PATH, 'content-type': 'application/grpc', te: 'trailers' },
      { endStream: false },
    );
    const c = new H2AdsClient(session, stream);
    c.send({
      node: { id: 'bench~peer', cluster: 'bench' },
      typeUrl: SE,
      resourceNames: [],
      responseNonce: '',
    });
    return c;
  }

  next(timeoutMs = 120_000): Promise<RawResponse> {
    if (this.failure) return Promise.reject(this.failure);
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(this.failure ?? new Error(`no response in ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiter = (r) => {
        clearTimeout(timer);
        resolve(r);
      };
    });
  }

  ack(res: RawResponse): void {
    this.send({ typeUrl: SE, versionInfo: res.version, responseNonce: res.nonce, resourceNames: [] });
  }

  close(): void {
    this.stream.close();
    this.session.destroy();
  }

  private send(v: object): void {
    const T = protoTypes().DiscoveryRequest;
    const body = T.encode(T.fromObject(v)).finish();
    const framed = Buffer.alloc(HEADER_BYTES + body.length);
    framed.writeUInt32BE(body.length, 1);
    framed.set(body, HEADER_BYTES);
    this.stream.write(framed);
  }

  private onData(d: Buffer): void {
    let off = 0;
    while (off < d.length) {
      if (this.need < 0) {
        const take = Math.min(HEADER_BYTES - this.headerGot, d.length - off);
        d.copy(this.header, this.headerGot, off, off + take);
        this.headerGot += take;
        off += take;
        if (this.headerGot < HEADER_BYTES) continue;
        if (this.header[0] !== 0) {
          this.failure ??= new Error('a compressed gRPC message; this client reads uncompressed ones only');
          this.stream.close();
          return;
        }
        this.headerGot = 0;
        this.need = this.header.readUInt32BE(1);
        this.got = 0;
        this.parts = [];
        if (this.need === 0) this.complete(performance.now());
        continue;
      }
      const take = Math.min(this.need - this.got, d.length - off);
      this.parts.push(d.subarray(off, off + take));
      this.got += take;
      off += take;
      if (this.got === this.need) this.complete(performance.now());
    }
  }

  /** Called with the time the message's last byte arrived; the join below is not timed. */
  private complete(at: number): void {
    const bytes = Buffer.concat(this.parts, this.need);
    this.need = -1;
    this.parts = [];
    const res = { bytes, ...versionAndNonce(bytes), at };
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w(res);
    } else this.queue.push(res);
  }
}

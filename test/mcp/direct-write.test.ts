import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  Client,
  Server,
  ServerCredentials,
  credentials,
  type ServerDuplexStream,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import { istiodLikeNode, openSotw } from '../../src/mcp/client.js';
import { PartsMessage } from '../../src/codec/parts-message.js';
import { directWriter } from '../../src/mcp/direct-write.js';
import { adsTestContext, serviceEntry, type AdsFixture } from '../support/ads.js';

const PATH = '/test.Bytes/Stream';
const identity = {
  serialize: (b: Buffer) => b,
  deserialize: (b: Buffer) => b,
};
const definition: ServiceDefinition = {
  Stream: {
    path: PATH,
    requestStream: true,
    responseStream: true,
    requestSerialize: identity.serialize,
    requestDeserialize: identity.deserialize,
    responseSerialize: identity.serialize,
    responseDeserialize: identity.deserialize,
  },
};

/** A grpc-js server whose handler writes `message` with directWriter, then the message `after` through grpc-js. */
async function serveOnce(
  message: PartsMessage,
  after: Buffer,
): Promise<{ address: string; found: Promise<boolean>; server: Server }> {
  const server = new Server();
  let report: (found: boolean) => void = () => undefined;
  const found = new Promise<boolean>((r) => (report = r));
  server.addService(definition, {
    Stream: (call: ServerDuplexStream<Buffer, Buffer>) => {
      const w = directWriter(call);
      report(w !== undefined);
      if (!w) {
        call.end();
        return;
      }
      w.write(message, () => {
        call.write(after);
        call.end();
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return { address: `127.0.0.1:${port}`, found, server };
}

function receiveAll(address: string): Promise<Buffer[]> {
  const client = new Client(address, credentials.createInsecure(), { 'grpc.max_receive_message_length': -1 });
  const call = client.makeBidiStreamRequest(PATH, identity.serialize, identity.deserialize);
  const got: Buffer[] = [];
  return new Promise((resolve, reject) => {
    call.on('data', (b: Buffer) => got.push(b));
    call.on('error', reject);
    call.on('status', (s: { code: number }) => {
      client.close();
      if (s.code === 0) resolve(got);
      else reject(new Error(`status ${s.code}`));
    });
    call.write(Buffer.from('hi'));
    call.end();
  });
}

describe('chunked response writes', () => {
  test('grpc-js server calls expose what a chunked write needs, and the client gets the parts as one message, in order with later writes', async () => {
    const parts = [Buffer.from('head'), Buffer.alloc(300_000, 7), Buffer.alloc(0), Buffer.from('tail')];
    const { address, found, server } = await serveOnce(new PartsMessage(parts), Buffer.from('next'));
    try {
      const got = await receiveAll(address);
      assert.equal(await found, true, 'grpc-js internals moved: directWriter found no HTTP/2 stream');
      assert.equal(got.length, 2);
      assert.deepEqual(got[0], Buffer.concat(parts));
      assert.deepEqual(got[1], Buffer.from('next'));
    } finally {
      server.forceShutdown();
    }
  });
});

const ctx = adsTestContext(openSotw);
let fx: AdsFixture | undefined;

describe('large SotW responses', () => {
  test('a response over the chunked-write threshold reaches the client whole, and so does the next one after a change', async () => {
    fx = await ctx.start();
    const many = Array.from({ length: 800 }, (_, i) => serviceEntry(`svc-${String(i).padStart(4, '0')}`));
    fx.store.apply('ServiceEntry', many, []);
    const s = ctx.connect(fx);
    s.send({ typeUrl: 'networking.istio.io/v1/ServiceEntry', node: istiodLikeNode() });
    const first = await s.next();
    assert.equal(first.resources.length, 800);
    s.send({ typeUrl: first.typeUrl, versionInfo: first.versionInfo, responseNonce: first.nonce });
    fx.put('svc-extra');
    const second = await s.next();
    assert.equal(second.resources.length, 801);
    assert.notEqual(second.versionInfo, first.versionInfo);
  });
});

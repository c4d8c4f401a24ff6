import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { EurekaClient } from '../../../src/adapters/eureka/client.js';
import { AbortedError } from '../../../src/adapters/kit/aborted.js';
import { BridgeError } from '../../../src/errors.js';
import { freePort } from '../../support/ports.js';

// Plain local HTTP servers answering what each test sets: this checks the
// client's own HTTP handling; Eureka's behaviour is covered by the .int tests.
type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface Fake {
  server: Server;
  address: string;
  handler: Handler;
  seen: IncomingMessage[];
}

async function fake(): Promise<Fake> {
  const f: Fake = { server: createServer(), address: '', handler: (_q, r) => r.end('{}'), seen: [] };
  f.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    f.seen.push(req);
    f.handler(req, res);
  });
  await new Promise<void>((r) => f.server.listen(0, '127.0.0.1', r));
  const a = f.server.address();
  f.address = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/eureka`;
  return f;
}

const EMPTY = '{"applications":{"apps__hashcode":"","application":[]}}';
const signal = new AbortController().signal;

describe('eureka HTTP client', () => {
  let a: Fake;
  let b: Fake;
  before(async () => {
    a = await fake();
    b = await fake();
  });
  after(async () => {
    for (const f of [a, b]) {
      f.server.closeAllConnections();
      await new Promise((r) => f.server.close(r));
    }
  });
  const reset = (): void => {
    for (const f of [a, b]) {
      f.seen = [];
      f.handler = (_q, r) => r.end(EMPTY);
    }
  };

  test('asks /apps and /apps/delta for JSON with gzip, and decodes a gzip answer', async () => {
    reset();
    a.handler = (_req, res) => {
      res.setHeader('content-encoding', 'gzip');
      res.end(gzipSync(EMPTY));
    };
    const c = new EurekaClient({ addresses: [a.address], deltaTimeoutMs: 2000 });
    const full = await c.fetch('full', signal);
    const delta = await c.fetch('delta', signal);
    c.close();
    assert.deepEqual(full.body, JSON.parse(EMPTY));
    assert.equal(full.wireBytes, gzipSync(EMPTY).length, 'bytes counted as received, compressed');
    assert.deepEqual(delta.body, JSON.parse(EMPTY));
    assert.deepEqual(
      a.seen.map((r) => r.url),
      ['/eureka/apps', '/eureka/apps/delta'],
    );
    assert.equal(a.seen[0]!.headers.accept, 'application/json');
    assert.equal(a.seen[0]!.headers['accept-encoding'], 'gzip');
    assert.equal(a.seen[0]!.headers.authorization, undefined, 'no credentials configured, none sent');
  });

  test('sends basic auth when username and password are set', async () => {
    reset();
    const c = new EurekaClient({
      addresses: [a.address],
      username: 'eureka',
      password: { current: () => 's3cret', reload: () => undefined },
      deltaTimeoutMs: 2000,
    });
    await c.fetch('full', signal);
    c.close();
    assert.equal(
      a.seen[0]!.headers.authorization,
      `Basic ${Buffer.from('eureka:s3cret').toString('base64')}`,
    );
  });

  test('401 is IRB_REGISTRY_AUTH naming username/passwordFile, and the password file is re-read', async () => {
    reset();
    a.handler = (_req, res) => {
      res.statusCode = 401;
      res.end();
    };
    let reloads = 0;
    const c = new EurekaClient({
      addresses: [a.address],
      username: 'eureka',
      password: { current: () => 'wrong', reload: () => void reloads++ },
      deltaTimeoutMs: 2000,
    });
    await assert.rejects(
      c.fetch('full', signal),
      (err: unknown) =>
        err instanceof BridgeError &&
        err.code === 'IRB_REGISTRY_AUTH' &&
        /check username and passwordFile/.test(err.message) &&
        !err.message.includes('wrong'),
    );
    c.close();
    assert.equal(reloads, 1);
  });

  test('fails over to the next server and stays there; the first server is not asked again while the second answers', async () => {
    reset();
    a.handler = (_req, res) => {
      res.statusCode = 503;
      res.end('busy');
    };
    const c = new EurekaClient({ addresses: [a.address, b.address], deltaTimeoutMs: 2000 });
    const first = await c.fetch('full', signal);
    assert.equal(first.server, b.address);
    assert.equal(c.server, b.address);
    const second = await c.fetch('delta', signal);
    assert.equal(second.server, b.address);
    c.close();
    assert.equal(a.seen.length, 1);
    assert.equal(b.seen.length, 2);
  });

  test('when every server fails, the most urgent error is thrown and names the others', async () => {
    reset();
    a.handler = (_req, res) => {
      res.statusCode = 500;
      res.end('boom');
    };
    b.handler = (_req, res) => {
      res.statusCode = 401;
      res.end();
    };
    const c = new EurekaClient({ addresses: [a.address, b.address], deltaTimeoutMs: 2000 });
    await assert.rejects(
      c.fetch('full', signal),
      (err: unknown) =>
        err instanceof BridgeError &&
        err.code === 'IRB_REGISTRY_AUTH' &&
        /set username and passwordFile/.test(err.message) &&
        /answered \/eureka\/apps with 500: boom/.test(err.message),
    );
    c.close();
  });

  test('an unreachable server is IRB_REGISTRY_UNREACHABLE; invalid JSON is IRB_EUREKA_BAD_RESPONSE', async () => {
    reset();
    const dead = new EurekaClient({
      addresses: [`http://127.0.0.1:${await freePort()}/eureka`],
      deltaTimeoutMs: 2000,
    });
    await assert.rejects(
      dead.fetch('full', signal),
      (err: unknown) => err instanceof BridgeError && err.code === 'IRB_REGISTRY_UNREACHABLE',
    );
    dead.close();
    a.handler = (_req, res) => res.end('<applications/>');
    const xml = new EurekaClient({ addresses: [a.address], deltaTimeoutMs: 2000 });
    await assert.rejects(
      xml.fetch('full', signal),
      (err: unknown) => err instanceof BridgeError && err.code === 'IRB_EUREKA_BAD_RESPONSE',
    );
    xml.close();
  });

  test('a delta that does not answer in time is IRB_REGISTRY_UNREACHABLE', async () => {
    reset();
    a.handler = () => undefined; // never answers
    const c = new EurekaClient({ addresses: [a.address], deltaTimeoutMs: 300 });
    const t0 = Date.now();
    await assert.rejects(
      c.fetch('delta', signal),
      (err: unknown) =>
        err instanceof BridgeError &&
        err.code === 'IRB_REGISTRY_UNREACHABLE' &&
        /within 300 ms/.test(err.message),
    );
    assert.ok(Date.now() - t0 < 2000);
    c.close();
    a.server.closeAllConnections();
  });

  test('aborting rejects at once with AbortedError and tries no other server', async () => {
    reset();
    a.handler = () => undefined;
    const c = new EurekaClient({ addresses: [a.address, b.address], deltaTimeoutMs: 10_000 });
    const abort = new AbortController();
    const p = c.fetch('full', abort.signal);
    setTimeout(() => abort.abort(), 50);
    await assert.rejects(p, (err: unknown) => err instanceof AbortedError);
    c.close();
    a.server.closeAllConnections();
    assert.equal(b.seen.length, 0);
  });
});

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { ConsulClient, redactAddress } from '../../../src/adapters/consul/client.js';
import { AbortedError } from '../../../src/adapters/kit/aborted.js';
import { BridgeError } from '../../../src/errors.js';

// A plain local HTTP server that answers what each test sets: this checks the
// client's own HTTP handling; Consul's behaviour is covered by the .int tests.
type Handler = (req: IncomingMessage, res: ServerResponse) => void;

describe('consul HTTP client', () => {
  let server: Server;
  let handler: Handler = (_req, res) => res.end('{}');
  let seen: IncomingMessage[] = [];
  let address = '';
  const signal = new AbortController().signal;
  const client = (token?: string, reload: () => void = () => undefined): ConsulClient =>
    new ConsulClient({ address, token: { current: () => token, reload }, maxSockets: 4 });

  before(async () => {
    server = createServer((req, res) => {
      seen.push(req);
      handler(req, res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const a = server.address();
    address = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  test('sends the token only as X-Consul-Token and the blocking parameters in the query', async () => {
    seen = [];
    handler = (_req, res) => {
      res.setHeader('X-Consul-Index', '17');
      res.end('["x"]');
    };
    const c = client('secret-token');
    const res = await c.get('v1/health/service/a%20b', {
      signal,
      dc: 'dc2',
      index: 5n,
      waitMs: 1500,
      stale: true,
      ns: 'team-a',
      partition: 'p1',
    });
    c.close();
    assert.deepEqual(res, { body: ['x'], index: '17' });
    const req = seen[0]!;
    assert.equal(req.headers['x-consul-token'], 'secret-token');
    const url = new URL(req.url!, address);
    assert.equal(url.pathname, '/v1/health/service/a%20b');
    assert.deepEqual(Object.fromEntries(url.searchParams), {
      dc: 'dc2',
      ns: 'team-a',
      partition: 'p1',
      stale: '',
      index: '5',
      wait: '1500ms',
    });
  });

  test('index 0 sends neither index nor wait, and no token means no token header', async () => {
    seen = [];
    handler = (_req, res) => res.end('{}');
    const c = client();
    await c.get('v1/catalog/services', { signal, index: 0n, waitMs: 5000 });
    c.close();
    assert.equal(seen[0]!.url, '/v1/catalog/services');
    assert.equal(seen[0]!.headers['x-consul-token'], undefined);
  });

  test('asks an agent on this host for uncompressed answers (gzip would only cost CPU on both ends)', async () => {
    seen = [];
    handler = (_req, res) => res.end('{}');
    const c = client();
    await c.get('v1/catalog/services', { signal });
    c.close();
    assert.equal(seen[0]!.headers['accept-encoding'], undefined);
  });

  test('reads gzip answers', async () => {
    handler = (_req, res) => {
      res.setHeader('Content-Encoding', 'gzip');
      res.end(gzipSync(JSON.stringify({ web: ['a'] })));
    };
    const c = client();
    assert.deepEqual((await c.get('v1/catalog/services', { signal })).body, { web: ['a'] });
    c.close();
  });

  test('403 becomes IRB_REGISTRY_AUTH naming token/tokenFile and asks the token source to reload', async () => {
    handler = (_req, res) => {
      res.statusCode = 403;
      res.end('ACL not found');
    };
    let reloads = 0;
    const c = client('wrong-token', () => reloads++);
    await assert.rejects(
      c.get('v1/catalog/services', { signal }),
      (err: unknown) =>
        err instanceof BridgeError &&
        err.code === 'IRB_REGISTRY_AUTH' &&
        /ACL not found/.test(err.message) &&
        /token\/tokenFile/.test(err.message) &&
        !err.message.includes('wrong-token'),
    );
    assert.equal(reloads, 1);
    c.close();
  });

  test('status answers map to codes: unknown datacenter, bad request with Enterprise hint, other errors', async () => {
    const c = client();
    const cases: [number, string, string, RegExp][] = [
      [500, 'No path to datacenter', 'IRB_CONSUL_UNKNOWN_DATACENTER', /knows no datacenter "dcx"/],
      [
        400,
        'Invalid query parameter: "ns" - Namespaces are a Consul Enterprise feature',
        'IRB_CONSUL_BAD_REQUEST',
        /Consul Enterprise/,
      ],
      [502, 'bad gateway', 'IRB_REGISTRY_UNREACHABLE', /502: bad gateway/],
    ];
    for (const [status, body, code, message] of cases) {
      handler = (_req, res) => {
        res.statusCode = status;
        res.end(body);
      };
      await assert.rejects(
        c.get('v1/catalog/services', { signal, dc: 'dcx' }),
        (err: unknown) => err instanceof BridgeError && err.code === code && message.test(err.message),
      );
    }
    handler = (_req, res) => res.end('not json');
    await assert.rejects(
      c.get('v1/catalog/services', { signal }),
      (err: unknown) => err instanceof BridgeError && err.code === 'IRB_CONSUL_BAD_RESPONSE',
    );
    c.close();
  });

  test('an unreachable address gives IRB_REGISTRY_UNREACHABLE', async () => {
    const c = new ConsulClient({
      address: 'http://127.0.0.1:1',
      token: { current: () => undefined, reload: () => undefined },
      maxSockets: 1,
    });
    await assert.rejects(
      c.get('v1/catalog/services', { signal }),
      (err: unknown) => err instanceof BridgeError && err.code === 'IRB_REGISTRY_UNREACHABLE',
    );
    c.close();
  });

  test('aborting a hanging blocking query rejects at once with AbortedError', async () => {
    handler = () => undefined; // never answers
    const c = client();
    const ac = new AbortController();
    const t0 = Date.now();
    const p = c.get('v1/catalog/services', { signal: ac.signal, index: 3n, waitMs: 60_000 });
    setTimeout(() => ac.abort(), 50);
    await assert.rejects(p, AbortedError);
    const ms = Date.now() - t0;
    assert.ok(ms < 10_000, `rejected after ${ms} ms; the blocking query waits 60 s`);
    c.close();
    server.closeAllConnections();
  });

  test('user:password in the address is kept out of messages', () => {
    assert.equal(redactAddress('https://u:p@consul.example:8501'), 'https://consul.example:8501');
    assert.equal(redactAddress('http://127.0.0.1:8500'), 'http://127.0.0.1:8500');
  });
});

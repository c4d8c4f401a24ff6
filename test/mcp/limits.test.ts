/**
 * What one client can make the xDS server hold or do is bounded: names per
 * request and per stream, name length, streams per peer and in total, message
 * size, the node id kept, and what /debug/clients shows. Going over a limit
 * ends that client's stream with a clear status, counted by reason; other
 * clients carry on.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { status } from '@grpc/grpc-js';
import { openDelta, openSotw } from '../../src/mcp/client.js';
import { DEFAULT_XDS_LIMITS } from '../../src/mcp/limits.js';
import { peerAddress } from '../../src/mcp/server.js';
import { adsTestContext, metricValue, type AdsFixture } from '../support/ads.js';
import { eventually } from '../support/bridge.js';

const SE = 'networking.istio.io/v1/ServiceEntry';
const MESH = 'mesh.istio.io/v1alpha1/MeshConfig';

const ctx = adsTestContext((address: string) => openDelta(address));
let fx: AdsFixture;

const names = (n: number, prefix = 'ns/unknown-'): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}${i}`);

interface GrpcError {
  code?: number;
  details?: string;
}

async function failure(p: Promise<unknown>): Promise<GrpcError> {
  try {
    await p;
  } catch (err) {
    return err as GrpcError;
  }
  assert.fail('expected the stream to fail');
}

describe('xDS limits per client', () => {
  test('a Delta request subscribing 60,000 names ends its stream with RESOURCE_EXHAUSTED naming the limit', async () => {
    // A message limit high enough for the request to reach the name check.
    fx = await ctx.start({ limits: { maxMessageBytes: 4 * 1024 * 1024 } });
    const s = ctx.connect(fx);
    s.send({ typeUrl: SE, resourceNamesSubscribe: names(60_000) });
    const err = await failure(s.next(10_000));
    assert.equal(err.code, status.RESOURCE_EXHAUSTED, JSON.stringify(err));
    assert.match(err.details ?? '', /60000 resource names; the limit is 20000 per request/);
    assert.equal(
      await metricValue(fx.metrics, 'irb_xds_streams_rejected_total', { reason: 'names_per_request' }),
      1,
    );
    // Another client is served as usual.
    const other = ctx.connect(fx);
    other.send({ typeUrl: MESH });
    assert.equal((await other.next()).typeUrl, MESH);
  });

  test('20,000 unknown names (the default limit) are all answered as removed, in one response', async () => {
    fx = await ctx.start();
    fx.put('a');
    const s = ctx.connect(fx);
    const asked = [...names(DEFAULT_XDS_LIMITS.maxNamesPerRequest - 1), 'ns/a'];
    s.send({ typeUrl: SE, resourceNamesSubscribe: asked });
    const res = await s.next(10_000);
    assert.deepEqual(
      res.resources.map((r) => r.name),
      ['ns/a'],
    );
    assert.equal(res.removedResources.length, DEFAULT_XDS_LIMITS.maxNamesPerRequest - 1);
    assert.equal(new Set(res.removedResources).size, res.removedResources.length, 'each name once');
  });

  test('names held by one stream are bounded across requests (maxNamesPerStream)', async () => {
    fx = await ctx.start({ limits: { maxNamesPerRequest: 100, maxNamesPerStream: 250 } });
    const s = ctx.connect(fx);
    s.send({ typeUrl: SE, resourceNamesSubscribe: names(100, 'ns/a-') });
    const first = await s.next();
    s.send({ typeUrl: SE, responseNonce: first.nonce, resourceNamesSubscribe: names(100, 'ns/b-') });
    await s.next();
    s.send({ typeUrl: SE, resourceNamesSubscribe: names(100, 'ns/c-') });
    const err = await failure(s.next());
    assert.equal(err.code, status.RESOURCE_EXHAUSTED);
    assert.match(err.details ?? '', /limit is 250 per stream \(xds\.limits\.maxNamesPerStream\)/);
  });

  test('initial_resource_versions count towards the request limit', async () => {
    fx = await ctx.start({ limits: { maxNamesPerRequest: 10 } });
    const s = ctx.connect(fx);
    const initial = Object.fromEntries(names(11).map((n) => [n, 'v']));
    s.send({ typeUrl: SE, initialResourceVersions: initial });
    const err = await failure(s.next());
    assert.equal(err.code, status.RESOURCE_EXHAUSTED);
  });

  test('a resource name longer than any real one ends the stream with INVALID_ARGUMENT', async () => {
    fx = await ctx.start();
    const s = ctx.connect(fx);
    s.send({ typeUrl: SE, resourceNamesSubscribe: [`ns/${'x'.repeat(600)}`] });
    const err = await failure(s.next());
    assert.equal(err.code, status.INVALID_ARGUMENT);
    assert.equal(
      await metricValue(fx.metrics, 'irb_xds_streams_rejected_total', { reason: 'name_too_long' }),
      1,
    );
  });

  test('a SotW request listing more names than the limit is refused too', async () => {
    fx = await ctx.start({ limits: { maxNamesPerRequest: 5 } });
    const s = openSotw(fx.address);
    try {
      s.send({ typeUrl: SE, resourceNames: names(6) });
      const err = await failure(s.next());
      assert.equal(err.code, status.RESOURCE_EXHAUSTED);
    } finally {
      s.close();
    }
  });

  test('streams per peer and in total are bounded: the one over is refused with RESOURCE_EXHAUSTED, the others work', async () => {
    fx = await ctx.start({ limits: { maxStreamsPerPeer: 3 } });
    const open = [1, 2, 3].map(() => ctx.connect(fx));
    for (const s of open) s.send({ typeUrl: MESH });
    for (const s of open) await s.next();
    const extra = ctx.connect(fx);
    extra.send({ typeUrl: MESH });
    const err = await failure(extra.next());
    assert.equal(err.code, status.RESOURCE_EXHAUSTED);
    assert.match(
      err.details ?? '',
      /127\.0\.0\.1 already has 3 streams open \(xds\.limits\.maxStreamsPerPeer\)/,
    );
    assert.equal(
      await metricValue(fx.metrics, 'irb_xds_streams_rejected_total', { reason: 'peer_limit' }),
      1,
    );
    // A closed stream frees its place.
    open[0]!.close();
    await eventually(() => (fx.server.clients().length === 2 ? true : undefined));
    const again = ctx.connect(fx);
    again.send({ typeUrl: MESH });
    assert.equal((await again.next()).typeUrl, MESH);
  });

  test('the total stream limit applies across peers', async () => {
    fx = await ctx.start({ limits: { maxStreams: 2 } });
    const open = [1, 2].map(() => ctx.connect(fx));
    for (const s of open) s.send({ typeUrl: MESH });
    for (const s of open) await s.next();
    const extra = ctx.connect(fx);
    extra.send({ typeUrl: MESH });
    const err = await failure(extra.next());
    assert.equal(err.code, status.RESOURCE_EXHAUSTED);
    assert.match(err.details ?? '', /xds\.limits\.maxStreams\)/);
    assert.equal(
      await metricValue(fx.metrics, 'irb_xds_streams_rejected_total', { reason: 'total_limit' }),
      1,
    );
  });

  test('a request larger than maxMessageBytes is refused by gRPC before it is decoded', async () => {
    fx = await ctx.start({ limits: { maxMessageBytes: 64 * 1024 } });
    const s = ctx.connect(fx);
    s.send({ typeUrl: MESH, node: { id: 'x'.repeat(100 * 1024) } });
    const err = await failure(s.next());
    assert.equal(err.code, status.RESOURCE_EXHAUSTED);
  });

  test('a 1,000 kB node id (under the message limit) is cut to 256 characters in /debug/clients', async () => {
    fx = await ctx.start();
    const s = ctx.connect(fx);
    s.send({ typeUrl: MESH, node: { id: 'n'.repeat(1000 * 1024) } });
    await s.next();
    const shown = fx.server.clients()[0]!.nodeId ?? '';
    assert.ok(shown.startsWith('n'.repeat(256)));
    assert.ok(shown.length < 320, `node id shown is ${shown.length} characters`);
    assert.ok(JSON.stringify(fx.server.clients()).length < 4096);
  });

  test('irb_xds_oldest_unacked_seconds grows while a response waits for an ACK and drops to 0 once ACKed', async () => {
    fx = await ctx.start();
    const s = ctx.connect(fx);
    s.send({ typeUrl: MESH });
    const res = await s.next();
    await new Promise((r) => setTimeout(r, 50));
    const waiting = await metricValue(fx.metrics, 'irb_xds_oldest_unacked_seconds', { mode: 'delta' });
    assert.ok(waiting >= 0.04, `oldest unacked ${waiting} s`);
    assert.equal(await metricValue(fx.metrics, 'irb_xds_oldest_unacked_seconds', { mode: 'sotw' }), 0);
    s.send({ typeUrl: MESH, responseNonce: res.nonce });
    await eventually(async () =>
      (await metricValue(fx.metrics, 'irb_xds_oldest_unacked_seconds', { mode: 'delta' })) === 0
        ? true
        : undefined,
    );
  });

  test('peer strings of grpc-js become addresses without the port', () => {
    assert.equal(peerAddress('ipv4:10.1.2.3:5555'), '10.1.2.3');
    assert.equal(peerAddress('127.0.0.1:5555'), '127.0.0.1');
    assert.equal(peerAddress('ipv6:[::1]:5555'), '::1');
    assert.equal(peerAddress('[fe80::1]:80'), 'fe80::1');
    assert.equal(peerAddress('unix:/tmp/sock'), 'unix:/tmp/sock');
  });
});

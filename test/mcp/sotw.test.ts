import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { istiodLikeNode, openSotw } from '../../src/mcp/client.js';
import { decodeMcpResource } from '../../src/codec/decode.js';
import { adsTestContext, metricValue, type AdsFixture } from '../support/ads.js';

const SE_V1 = 'networking.istio.io/v1/ServiceEntry';
const SE_V1ALPHA3 = 'networking.istio.io/v1alpha3/ServiceEntry';
const WE_V1 = 'networking.istio.io/v1/WorkloadEntry';

const ctx = adsTestContext(openSotw);
const connect = ctx.connect;
let fx: AdsFixture | undefined;

const names = (res: { resources: { type_url: string; value: Uint8Array }[] }): string[] =>
  res.resources.map((a) => {
    const d = decodeMcpResource(a);
    if ('error' in d) throw new Error(d.error);
    return `${d.resource.namespace}/${d.resource.name}`;
  });

describe('SotW ADS', () => {
  test('the first request is answered even though istiod puts a timestamp in its nonce', async () => {
    fx = await ctx.start();
    fx.put('a');
    const s = connect(fx);
    s.send({ typeUrl: SE_V1, responseNonce: new Date().toString(), node: istiodLikeNode() });
    const res = await s.next();
    assert.equal(res.typeUrl, SE_V1);
    assert.deepEqual(names(res), ['ns/a']);
    assert.notEqual(res.nonce, '');
  });

  test('every group version of ServiceEntry gets the same resources under the exact requested type URL', async () => {
    fx = await ctx.start();
    fx.put('a');
    const s = connect(fx);
    for (const t of [SE_V1, SE_V1ALPHA3, 'networking.istio.io/v1beta1/ServiceEntry']) {
      s.send({ typeUrl: t, responseNonce: 'x' });
      const res = await s.next();
      assert.equal(res.typeUrl, t);
      assert.deepEqual(names(res), ['ns/a']);
    }
  });

  test('kinds that are not served, unknown kinds and MeshConfig are answered with an empty list', async () => {
    fx = await ctx.start();
    fx.put('a');
    const s = connect(fx);
    for (const t of [
      'core/v1alpha1/MeshConfig',
      'networking.istio.io/v1/VirtualService',
      'extensions.istio.io/v1alpha1/TrafficExtension',
      'example.com/v9/Unknown',
      'type.googleapis.com/envoy.config.cluster.v3.Cluster',
    ]) {
      s.send({ typeUrl: t, responseNonce: 'x' });
      const res = await s.next();
      assert.equal(res.typeUrl, t);
      assert.equal(res.resources.length, 0);
    }
  });

  test('an ACK is answered with nothing, and a later change is pushed in full', async () => {
    fx = await ctx.start();
    fx.put('a');
    const s = connect(fx);
    s.send({ typeUrl: SE_V1, responseNonce: 'start' });
    const first = await s.next();
    s.send({
      typeUrl: SE_V1,
      responseNonce: first.nonce,
      versionInfo: first.versionInfo,
      node: istiodLikeNode(),
    });
    assert.ok(await s.silentFor(200), 'ACK must not be answered');
    fx.put('b');
    const second = await s.next();
    assert.deepEqual(names(second), ['ns/a', 'ns/b']);
    assert.notEqual(second.versionInfo, first.versionInfo);
    assert.notEqual(second.nonce, first.nonce);
  });

  test('a request with a stale nonce is ignored', async () => {
    fx = await ctx.start();
    fx.put('a');
    const s = connect(fx);
    s.send({ typeUrl: SE_V1, responseNonce: 'start' });
    const first = await s.next();
    fx.put('b');
    const second = await s.next();
    // A late ACK of the first response must not trigger anything.
    s.send({ typeUrl: SE_V1, responseNonce: first.nonce, versionInfo: first.versionInfo });
    assert.ok(await s.silentFor(200));
    assert.equal(await metricValue(fx.metrics, 'irb_xds_requests_total', { outcome: 'stale' }), 1);
    assert.deepEqual(names(second), ['ns/a', 'ns/b']);
  });

  test('a NACK is counted and shown per client, and the rejected state is not re-sent', async () => {
    fx = await ctx.start();
    fx.put('a');
    const s = connect(fx);
    s.send({ typeUrl: SE_V1, responseNonce: 'start', node: istiodLikeNode('nacker') });
    const first = await s.next();
    s.send({ typeUrl: SE_V1, responseNonce: first.nonce, errorDetail: { code: 3, message: 'bad port' } });
    assert.ok(await s.silentFor(200));
    assert.equal(await metricValue(fx.metrics, 'irb_xds_nacks_total'), 1);
    const client = fx.server.clients()[0]!;
    assert.equal(client.nodeId, 'nacker');
    assert.equal(client.watches[0]!.nackCount, 1);
    assert.equal(client.watches[0]!.lastNack, 'bad port');
  });

  test('a change to one kind pushes only that kind', async () => {
    fx = await ctx.start();
    const s = connect(fx);
    s.send({ typeUrl: SE_V1, responseNonce: 'x' });
    s.send({ typeUrl: WE_V1, responseNonce: 'x' });
    const got = [await s.next(), await s.next()].map((r) => r.typeUrl).sort();
    assert.deepEqual(got, [SE_V1, WE_V1]);
    fx.put('a');
    const res = await s.next();
    assert.equal(res.typeUrl, SE_V1);
    assert.ok(await s.silentFor(200), 'WorkloadEntry must not be re-sent');
  });

  test('a deleted resource is absent from the next full-state response', async () => {
    fx = await ctx.start();
    fx.put('a');
    fx.put('b');
    const s = connect(fx);
    s.send({ typeUrl: SE_V1, responseNonce: 'x' });
    assert.deepEqual(names(await s.next()), ['ns/a', 'ns/b']);
    fx.del('a');
    assert.deepEqual(names(await s.next()), ['ns/b']);
  });

  test('a reconnecting client receives the full state again with the same version', async () => {
    fx = await ctx.start();
    fx.put('a');
    fx.put('b');
    const s1 = connect(fx);
    s1.send({ typeUrl: SE_V1, responseNonce: 'x' });
    const r1 = await s1.next();
    s1.close();
    const s2 = connect(fx);
    s2.send({ typeUrl: SE_V1, responseNonce: 'y' });
    const r2 = await s2.next();
    assert.deepEqual(names(r2), ['ns/a', 'ns/b']);
    assert.equal(r2.versionInfo, r1.versionInfo);
  });

  test('changes within the debounce window are coalesced into one push', async () => {
    fx = await ctx.start({ debounceMs: 150, maxDelayMs: 2000 });
    const s = connect(fx);
    s.send({ typeUrl: SE_V1, responseNonce: 'x' });
    await s.next();
    for (let i = 0; i < 5; i++) fx.put(`svc-${i}`);
    const res = await s.next(2000);
    assert.equal(res.resources.length, 5);
    assert.ok(await s.silentFor(300), 'only one push expected');
  });

  test('the maximum delay bounds the debounce under a steady stream of changes', async () => {
    fx = await ctx.start({ debounceMs: 200, maxDelayMs: 300 });
    const s = connect(fx);
    s.send({ typeUrl: SE_V1, responseNonce: 'x' });
    await s.next();
    const started = Date.now();
    let i = 0;
    const timer = setInterval(() => fx!.put(`svc-${i++}`), 50);
    try {
      // Without the maximum delay nothing would come while the changes go on.
      await s.next(5000);
    } finally {
      clearInterval(timer);
    }
    const took = Date.now() - started;
    assert.ok(took < 1500, `push took ${took} ms despite maxDelay 300 ms`);
  });

  test('ServiceEntry waits for the first sync of every registry; other kinds are answered at once', async () => {
    fx = await ctx.start({ gate: false });
    fx.put('a');
    const s = connect(fx);
    s.send({ typeUrl: SE_V1, responseNonce: 'x' });
    s.send({ typeUrl: 'networking.istio.io/v1/Gateway', responseNonce: 'x' });
    const first = await s.next();
    assert.equal(first.typeUrl, 'networking.istio.io/v1/Gateway');
    assert.ok(await s.silentFor(200), 'ServiceEntry must wait for the sync');
    assert.equal(fx.server.clients()[0]!.watches.find((w) => w.typeUrl === SE_V1)!.waitingForSync, true);
    fx.store.markComplete();
    const se = await s.next();
    assert.equal(se.typeUrl, SE_V1);
    assert.deepEqual(names(se), ['ns/a']);
  });

  test('the silence check: an open stream that gets nothing is silent; one the server hangs up on is not', async () => {
    fx = await ctx.start();
    fx.put('a');
    const s = connect(fx);
    s.send({ typeUrl: SE_V1, responseNonce: 'x' });
    const first = await s.next();
    s.send({ typeUrl: SE_V1, responseNonce: first.nonce, versionInfo: first.versionInfo });
    assert.equal(await s.silentFor(100), true);
    fx.put('b');
    assert.equal(await s.silentFor(2000), false, 'a push is not silence');
    // The server ends the stream while the client is waiting for silence.
    const refused = assert.rejects(s.silentFor(2000), /stream closed instead of staying silent/);
    await fx.server.close(500);
    await refused;
    // and once the stream is gone, silence is refused at once
    await assert.rejects(s.silentFor(2000), /stream closed instead of staying silent/);
  });

  test('several clients receive byte-identical resources and versions', async () => {
    fx = await ctx.start();
    for (let i = 0; i < 20; i++) fx.put(`svc-${i}`, `10.0.0.${i}`);
    const a = connect(fx);
    const b = connect(fx);
    a.send({ typeUrl: SE_V1, responseNonce: 'x' });
    b.send({ typeUrl: SE_V1ALPHA3, responseNonce: 'x' });
    const [ra, rb] = [await a.next(), await b.next()];
    assert.equal(ra.versionInfo, rb.versionInfo);
    assert.deepEqual(
      ra.resources.map((r) => Buffer.from(r.value).toString('hex')),
      rb.resources.map((r) => Buffer.from(r.value).toString('hex')),
    );
  });
});

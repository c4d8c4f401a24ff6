import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openDelta, type DeltaDiscoveryResponseMsg } from '../../src/mcp/client.js';
import { adsTestContext, type AdsFixture } from '../support/ads.js';
import { eventually } from '../support/bridge.js';

const SE = 'networking.istio.io/v1/ServiceEntry';
const WE = 'networking.istio.io/v1/WorkloadEntry';

const ctx = adsTestContext(openDelta);
const connect = ctx.connect;
let fx: AdsFixture | undefined;

const sent = (r: DeltaDiscoveryResponseMsg): string[] => r.resources.map((x) => x.name).sort();

describe('Delta ADS', () => {
  test('a wildcard subscription receives everything, then only what changed, and removals', async () => {
    fx = await ctx.start();
    fx.put('a');
    fx.put('b');
    const s = connect(fx);
    s.send({ typeUrl: SE });
    const first = await s.next();
    assert.deepEqual(sent(first), ['ns/a', 'ns/b']);
    assert.ok(first.resources.every((r) => r.version.length > 0 && r.resource));
    s.send({ typeUrl: SE, responseNonce: first.nonce });
    assert.ok(await s.silentFor(200), 'ACK must not be answered');
    fx.put('b', '10.9.9.9');
    const second = await s.next();
    assert.deepEqual(sent(second), ['ns/b']);
    assert.deepEqual(second.removedResources, []);
    fx.del('a');
    const third = await s.next();
    assert.deepEqual(sent(third), []);
    assert.deepEqual(third.removedResources, ['ns/a']);
  });

  test('initial_resource_versions: what the client already has is not re-sent; what is gone is removed', async () => {
    fx = await ctx.start();
    fx.put('a');
    fx.put('b');
    const versionA = fx.store.kind('ServiceEntry').get('ns/a')!.version;
    const s = connect(fx);
    s.send({
      typeUrl: SE,
      initialResourceVersions: { 'ns/a': versionA, 'ns/b': 'outdated', 'ns/gone': 'v0' },
    });
    const res = await s.next();
    assert.deepEqual(sent(res), ['ns/b']);
    assert.deepEqual(res.removedResources, ['ns/gone']);
  });

  test('named subscriptions get only their names; subscribe and unsubscribe later', async () => {
    fx = await ctx.start();
    fx.put('a');
    fx.put('b');
    fx.put('c');
    const s = connect(fx);
    s.send({ typeUrl: SE, resourceNamesSubscribe: ['ns/a'] });
    const first = await s.next();
    assert.deepEqual(sent(first), ['ns/a']);
    s.send({ typeUrl: SE, responseNonce: first.nonce, resourceNamesSubscribe: ['ns/c'] });
    assert.deepEqual(sent(await s.next()), ['ns/c']);
    s.send({ typeUrl: SE, resourceNamesUnsubscribe: ['ns/a'] });
    // wait until the server has processed the unsubscribe (it forgets ns/a)
    await eventually(() => (fx!.server.clients()[0]!.watches[0]!.resources === 1 ? true : undefined));
    fx.put('a', '10.1.1.1');
    fx.put('b', '10.1.1.1');
    assert.ok(await s.silentFor(250), 'no update for names not subscribed');
    fx.put('c', '10.1.1.1');
    assert.deepEqual(sent(await s.next()), ['ns/c']);
  });

  test('a name subscribed that does not exist is reported in removed_resources', async () => {
    fx = await ctx.start();
    fx.put('a');
    const s = connect(fx);
    s.send({ typeUrl: SE, resourceNamesSubscribe: ['ns/a', 'ns/missing'] });
    const first = await s.next();
    assert.deepEqual(sent(first), ['ns/a']);
    assert.deepEqual(first.removedResources, ['ns/missing']);
    s.send({ typeUrl: SE, responseNonce: first.nonce, resourceNamesSubscribe: ['ns/also-missing'] });
    const second = await s.next();
    assert.deepEqual(second.removedResources, ['ns/also-missing']);
    fx.put('missing');
    assert.deepEqual(sent(await s.next()), ['ns/missing'], 'it is sent once it exists');
  });

  test('an unchanged re-put sends nothing', async () => {
    fx = await ctx.start();
    fx.put('a');
    const s = connect(fx);
    s.send({ typeUrl: SE });
    await s.next();
    fx.put('a');
    assert.ok(await s.silentFor(200));
  });

  test('a kind that is not served is answered once with nothing', async () => {
    fx = await ctx.start();
    const s = connect(fx);
    s.send({ typeUrl: 'networking.istio.io/v1/VirtualService' });
    const res = await s.next();
    assert.equal(res.typeUrl, 'networking.istio.io/v1/VirtualService');
    assert.equal(res.resources.length, 0);
  });

  test('ServiceEntry and WorkloadEntry wait for the first sync of every registry; other kinds are answered at once', async () => {
    fx = await ctx.start({ gate: false });
    fx.put('a');
    const s = connect(fx);
    s.send({ typeUrl: SE });
    s.send({ typeUrl: WE });
    s.send({ typeUrl: 'networking.istio.io/v1/Gateway' });
    const first = await s.next();
    assert.equal(first.typeUrl, 'networking.istio.io/v1/Gateway');
    assert.deepEqual(sent(first), []);
    fx.put('b'); // a change before the sync must not slip through either
    assert.ok(await s.silentFor(300), 'ServiceEntry/WorkloadEntry must wait for the sync');
    const waiting = fx.server
      .clients()[0]!
      .watches.filter((w) => w.waitingForSync)
      .map((w) => w.typeUrl);
    assert.deepEqual(waiting.sort(), [SE, WE]);
    fx.store.markComplete();
    const after = [await s.next(), await s.next()].sort((x, y) => x.typeUrl.localeCompare(y.typeUrl));
    assert.deepEqual(
      after.map((r) => [r.typeUrl, sent(r)]),
      [
        [SE, ['ns/a', 'ns/b']],
        [WE, []],
      ],
    );
    assert.ok(fx.server.clients()[0]!.watches.every((w) => !w.waitingForSync));
  });

  test('a NACK is counted and nothing is re-sent', async () => {
    fx = await ctx.start();
    fx.put('a');
    const s = connect(fx);
    s.send({ typeUrl: SE });
    const first = await s.next();
    s.send({ typeUrl: SE, responseNonce: first.nonce, errorDetail: { code: 3, message: 'nope' } });
    assert.ok(await s.silentFor(200));
    assert.equal(fx.server.clients()[0]!.watches[0]!.nackCount, 1);
  });
});

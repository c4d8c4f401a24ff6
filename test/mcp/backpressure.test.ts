import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { protoTypes } from '../../src/codec/proto.js';
import { DeltaStream } from '../../src/mcp/delta-stream.js';
import { DEFAULT_XDS_LIMITS } from '../../src/mcp/limits.js';
import type { DeltaDiscoveryRequestMsg, DiscoveryRequestMsg } from '../../src/mcp/service-def.js';
import { SotwStream } from '../../src/mcp/sotw-stream.js';
import { ResourceStore } from '../../src/store/resource-store.js';
import { noTelemetry } from '../../src/telemetry/telemetry.js';
import { serviceEntry } from '../support/ads.js';
import { silentLogger } from '../support/bridge.js';
import { FakeCall } from '../support/fake-call.js';

const SE = 'networking.istio.io/v1/ServiceEntry';

function open(store: ResourceStore): { call: FakeCall<DiscoveryRequestMsg>; stream: SotwStream } {
  const call = new FakeCall<DiscoveryRequestMsg>();
  store.markComplete();
  const host = { store, telemetry: noTelemetry, logger: silentLogger, limits: DEFAULT_XDS_LIMITS };
  const stream = new SotwStream(call.asCall(), host, () => {});
  call.request({ typeUrl: SE, responseNonce: 'x', versionInfo: '', resourceNames: [] });
  return { call, stream };
}

const resourceCount = (b: Buffer): number =>
  (protoTypes().DiscoveryResponse.decode(b) as unknown as { resources: unknown[] }).resources.length;

describe('SotW write backpressure', () => {
  test('a client with a full socket gets only the newest state once it drains, and does not hold up others', () => {
    const store = new ResourceStore();
    const slow = open(store);
    const fast = open(store);
    slow.call.full = true;
    for (let i = 1; i <= 3; i++) {
      store.apply('ServiceEntry', [serviceEntry(`s${i}`)], []);
      const push = { names: new Set([`ns/s${i}`]), since: performance.now() };
      slow.stream.onChange('ServiceEntry', push);
      fast.stream.onChange('ServiceEntry', push);
    }
    assert.equal(fast.call.writes.length, 4, 'fast client: initial response + 3 pushes');
    assert.equal(slow.call.writes.length, 2, 'slow client: initial, then the write that filled the socket');
    slow.call.drain();
    assert.equal(slow.call.writes.length, 3, 'one catch-up write on drain');
    assert.equal(resourceCount(slow.call.writes[2]!), 3, 'the catch-up write holds the newest full state');
  });
});

describe('Delta write backpressure', () => {
  test('changes made while the socket is full are sent once, as one response with the newest versions, on drain', () => {
    const store = new ResourceStore();
    store.apply('ServiceEntry', [serviceEntry('a')], []);
    const call = new FakeCall<DeltaDiscoveryRequestMsg>();
    store.markComplete();
    const host = { store, telemetry: noTelemetry, logger: silentLogger, limits: DEFAULT_XDS_LIMITS };
    const stream = new DeltaStream(call.asCall(), host, () => {});
    call.request({
      typeUrl: SE,
      responseNonce: '',
      resourceNamesSubscribe: [],
      resourceNamesUnsubscribe: [],
      initialResourceVersions: {},
    });
    assert.equal(call.writes.length, 1);
    call.full = true;
    const change = (names: string[]): void =>
      stream.onChange('ServiceEntry', { names: new Set(names), since: performance.now() });
    store.apply('ServiceEntry', [serviceEntry('a', '10.9.9.1')], []);
    change(['ns/a']); // written, fills the socket
    store.apply('ServiceEntry', [serviceEntry('a', '10.9.9.2'), serviceEntry('b')], []);
    change(['ns/a', 'ns/b']);
    store.apply('ServiceEntry', [], ['ns/b']);
    change(['ns/b']);
    assert.equal(call.writes.length, 2, 'nothing written while the socket is full');
    call.drain();
    assert.equal(call.writes.length, 3);
    const res = protoTypes().DeltaDiscoveryResponse.decode(call.writes[2]!) as unknown as {
      resources: { name: string; version: string }[];
      removedResources: string[];
    };
    assert.deepEqual(
      res.resources.map((r) => [r.name, r.version]),
      [['ns/a', store.kind('ServiceEntry').get('ns/a')!.version]],
    );
    assert.deepEqual(res.removedResources, [], 'b came and went while blocked: never sent, never removed');
  });
});

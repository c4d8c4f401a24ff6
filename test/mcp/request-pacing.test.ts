import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { DEFAULT_XDS_LIMITS } from '../../src/mcp/limits.js';
import type { DiscoveryRequestMsg } from '../../src/mcp/service-def.js';
import { SotwStream } from '../../src/mcp/sotw-stream.js';
import { ResourceStore } from '../../src/store/resource-store.js';
import { noTelemetry } from '../../src/telemetry/telemetry.js';
import { silentLogger } from '../support/bridge.js';
import { FakeCall } from '../support/fake-call.js';

const SE = 'networking.istio.io/v1/ServiceEntry';

describe('request pacing', () => {
  test('a stream reads one request per turn of the event loop: it pauses after each and resumes on the next turn, not after it closed', async () => {
    const store = new ResourceStore();
    store.markComplete();
    const call = new FakeCall<DiscoveryRequestMsg>();
    const host = { store, telemetry: noTelemetry, logger: silentLogger, limits: DEFAULT_XDS_LIMITS };
    new SotwStream(call.asCall(), host, () => {});
    call.request({ typeUrl: SE, responseNonce: '', versionInfo: '', resourceNames: [] });
    assert.equal(call.pauses, 1);
    assert.equal(call.resumes, 0, 'not resumed in the same turn');
    await nextTurn();
    assert.equal(call.resumes, 1);

    call.request({ typeUrl: SE, responseNonce: 'x', versionInfo: '', resourceNames: [] });
    call.emit('cancelled');
    await nextTurn();
    assert.equal(call.pauses, 2);
    assert.equal(call.resumes, 1, 'a closed stream is not resumed');
  });
});

/** The shared e2e assertions, checked against made-up bridge views (no istiod needed). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { BridgeProcess, DebugClient } from '../support/bridge-process.js';
import { assertIstiodSubscribed, ISTIOD_126_TYPE_URLS } from './helpers.js';

const NODE = 'sidecar~127.0.0.1~istiod-e2e.istio-system~istio-system.svc.cluster.local';

/** A bridge whose /debug/clients shows one istiod-like client with these watches. */
function bridgeShowing(watches: DebugClient['watches']): BridgeProcess {
  const client: DebugClient = { id: 1, mode: 'sotw', nodeId: NODE, watches };
  return { clients: () => Promise.resolve([client]) } as unknown as BridgeProcess;
}

const watch = (typeUrl: string, sent: string | undefined, acked: string | undefined) =>
  ({ typeUrl, lastSentVersion: sent, lastAckedVersion: acked, nackCount: 0 }) as DebugClient['watches'][0];

describe('assertIstiodSubscribed', () => {
  test('passes when every type URL was answered and ACKed at the version sent', async () => {
    await assertIstiodSubscribed(bridgeShowing(ISTIOD_126_TYPE_URLS.map((u) => watch(u, 'v1', 'v1'))), 0);
  });

  test('fails when a version sent was not ACKed', async () => {
    const watches = ISTIOD_126_TYPE_URLS.map((u, i) => watch(u, 'v2', i === 1 ? 'v1' : 'v2'));
    await assert.rejects(assertIstiodSubscribed(bridgeShowing(watches), 0), /ACKed at the version sent/);
  });

  test('fails when a type URL was never answered, although "nothing sent" equals "nothing ACKed"', async () => {
    const watches = ISTIOD_126_TYPE_URLS.map((u, i) =>
      i === 1 ? watch(u, undefined, undefined) : watch(u, 'v1', 'v1'),
    );
    await assert.rejects(assertIstiodSubscribed(bridgeShowing(watches), 0), /was answered/);
  });
});

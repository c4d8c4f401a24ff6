/**
 * Case 7: istio's own config-source client (pkg/adsc + the validating memory
 * store, in adsc-probe, built against each istiod line: 1.26 and 1.31) against
 * the bridge, with the type URLs of that istiod (`-types default`) and with
 * the group versions of istiod 1.20-1.23 (`-types v1alpha3`: the URLs the
 * real 1.22-line istiod of legacy-istiod.int.test.ts asks for). Both must sync
 * and hold exactly what the bridge serves, in both output modes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BridgeProcess } from '../support/bridge-process.js';
import { describeWithIstio, runProbe, type IstioFixtures, type ProbeResult } from '../support/istiod.js';
import { istiodKindCount, protoJson, uglyServices } from './helpers.js';

const services = { services: uglyServices() };

/** `Kind namespace/name@version` → proto JSON spec, from the bridge's /debug/resources. */
async function servedState(bridge: BridgeProcess): Promise<Map<string, unknown>> {
  const served = await bridge.resources();
  const out = new Map<string, unknown>();
  for (const [kind, k] of Object.entries(served.kinds)) {
    for (const r of k.resources) out.set(`${kind} ${r.name}@${r.version}`, protoJson(r.spec));
  }
  return out;
}

function probeState(p: ProbeResult): Map<string, unknown> {
  return new Map(
    p.resources.map((r) => [`${r.kind} ${r.namespace}/${r.name}@${r.resourceVersion}`, protoJson(r.spec)]),
  );
}

function assertCleanSync(p: ProbeResult, what: string, kindCount: number): void {
  assert.equal(p.code, 0, `${what}: probe exit status (0 = synced)\n${p.stdout}\n${p.stderr}`);
  assert.equal(p.synced, true, `${what}: synced`);
  assert.equal(p.types, kindCount, `${what}: ${kindCount} Istio kinds answered`);
  assert.deepEqual(p.missing, []);
  assert.deepEqual(p.validationErrors, [], `${what}: validation errors`);
  assert.deepEqual(p.warnings, [], `${what}: adsc warnings`);
  assert.deepEqual(p.errors, [], `${what}: errors`);
}

function probeSuite(
  fx: IstioFixtures,
  mode: 'serviceentry' | 'workloadentry',
  kinds: Record<string, number>,
): void {
  let bridge: BridgeProcess;
  before(async () => {
    bridge = await BridgeProcess.start({
      mode,
      registries: [{ name: 'files', type: 'file', namespace: 'ext', path: 'services.yaml' }],
      services,
    });
  });
  after(async () => {
    await bridge?.dispose();
  });

  for (const types of ['default', 'v1alpha3'] as const) {
    test(`7. ${mode} mode, -types ${types}: adsc syncs and its validating store holds what the bridge serves`, async () => {
      const p = await runProbe(fx, bridge.xds, { types });
      assertCleanSync(p, `-types ${types}`, istiodKindCount(fx.line));
      const version = types === 'default' ? 'v1' : 'v1alpha3';
      for (const kind of ['ServiceEntry', 'WorkloadEntry']) {
        const answered = p.responseTypeUrls.filter((u) => u.endsWith(`/${kind}`));
        assert.deepEqual(
          [...new Set(answered)],
          [`networking.istio.io/${version}/${kind}`],
          'type URL echoed',
        );
      }
      const expected = await servedState(bridge);
      const got = probeState(p);
      assert.deepEqual([...got.keys()].sort(), [...expected.keys()].sort(), 'names and resourceVersions');
      for (const [key, spec] of expected) assert.deepEqual(got.get(key), spec, `${key}: spec`);
      const count: Record<string, number> = {};
      for (const r of p.resources) count[r.kind] = (count[r.kind] ?? 0) + 1;
      assert.deepEqual(count, kinds);
      for (const r of p.resources) {
        assert.equal(r.labels?.['app.kubernetes.io/managed-by'], 'istio-registry-bridge');
        assert.equal(r.creationTimestamp, '1970-01-01T00:00:00Z');
      }
    });
  }
}

describeWithIstio('adsc-probe (istio pkg/adsc) against the bridge', (fx) => {
  // SE: 4 services; WE mode adds one WorkloadEntry per healthy address (10.0.1.5, 10.0.2.1, 10.0.2.2, payments-1).
  describe('serviceentry mode', () => probeSuite(fx, 'serviceentry', { ServiceEntry: 4 }));
  describe('workloadentry mode', () =>
    probeSuite(fx, 'workloadentry', { ServiceEntry: 4, WorkloadEntry: 4 }));
});

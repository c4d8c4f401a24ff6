/**
 * Property-based tests of the converter in both output modes: arbitrary
 * registry services (test/convert/arbitraries.ts) convert without throwing,
 * to resources istiod accepts (test/support/istio-validate.ts) or to
 * warnings; the output does not depend on the input's order; and a bad
 * instance costs only itself. 10,000 cases per mode on every run
 * (PROPERTY_RUNS overrides; PROPERTY_SEED replays a failure).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { convertService, type ConvertContext } from '../../src/convert/service-entry.js';
import type { IstioResource, ServiceEntryResource, WorkloadEntryResource } from '../../src/model/istio.js';
import type { RegistryInstance, RegistryService } from '../../src/model/registry.js';
import { fqdnProblem, isPlainIp, istioProblems } from '../support/istio-validate.js';
import { anyService } from './arbitraries.js';

const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 10_000);
const SEED = process.env['PROPERTY_SEED'] === undefined ? undefined : Number(process.env['PROPERTY_SEED']);

const contexts: ConvertContext[] = [
  { registryName: 'reg', registryType: 'file', namespace: 'ext', mode: 'serviceentry' },
  { registryName: 'reg', registryType: 'consul', namespace: 'ext', mode: 'workloadentry' },
];

/** The same instances in another order (Fisher-Yates with a small LCG, so the case replays from its seed). */
function permuted<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  let s = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The test's own idea of an instance the converter must serve (independent of src/convert). */
function servedAddress(i: RegistryInstance): string | undefined {
  if (!i.healthy || !Number.isInteger(i.port) || i.port < 1 || i.port > 65535) return undefined;
  if (typeof i.address !== 'string') return undefined;
  if (isPlainIp(i.address)) return i.address;
  const host = i.address.replace(/\.$/, '').toLowerCase();
  // One trailing dot is the DNS root; a second ("a..") leaves an empty label,
  // which no resolver takes even though istiod's FQDN check would pass "a.".
  if (host.endsWith('.')) return undefined;
  return host.length <= 253 && fqdnProblem(host) === undefined ? host : undefined;
}

function isBad(i: RegistryInstance): boolean {
  return servedAddress({ ...i, healthy: true }) === undefined;
}

function endpointAddresses(resources: IstioResource[]): Set<string> {
  const out = new Set<string>();
  for (const r of resources) {
    if (r.kind === 'WorkloadEntry') out.add(r.spec.address);
    else for (const e of r.spec.endpoints ?? []) out.add(e.address);
  }
  return out;
}

function checkOne(service: RegistryService, ctx: ConvertContext, seed: number): void {
  const result = convertService(service, ctx);
  const { resources, warnings } = result;

  // Deterministic: the same input again, and its instances in another order.
  assert.deepStrictEqual(convertService(service, ctx), result);
  assert.deepStrictEqual(
    convertService({ ...service, instances: permuted(service.instances, seed) }, ctx),
    result,
  );

  // Resources istiod accepts, or warnings saying why nothing is served.
  for (const r of resources) {
    const problems = istioProblems(r);
    assert.deepEqual(problems, [], `${r.kind} ${r.namespace}/${r.name} would be rejected`);
  }
  if (resources.length === 0) {
    assert.ok(
      warnings.some((w) => w.code === 'HOST_INVALID'),
      'no resources and no HOST_INVALID warning',
    );
    return;
  }
  const ses = resources.filter((r): r is ServiceEntryResource => r.kind === 'ServiceEntry');
  assert.equal(ses.length, 1, 'one ServiceEntry per served service');
  const se = ses[0]!;
  if (ctx.mode === 'workloadentry') {
    assert.equal(se.spec.endpoints, undefined);
    const selector = se.spec.workloadSelector!.labels;
    for (const we of resources.filter((r): r is WorkloadEntryResource => r.kind === 'WorkloadEntry')) {
      for (const [k, v] of Object.entries(selector))
        assert.equal(we.spec.labels?.[k], v, 'selected by its ServiceEntry');
    }
    const names = resources.map((r) => `${r.kind}/${r.name}`);
    assert.equal(new Set(names).size, names.length, 'resource names unique');
  }

  // A bad instance costs only itself: every good healthy instance is served...
  const served = endpointAddresses(resources);
  for (const i of service.instances) {
    const a = servedAddress(i);
    if (a !== undefined) assert.ok(served.has(a), `good instance ${a}:${i.port} missing from the output`);
  }
  // ...nothing else is, and each bad one is reported.
  const expected = new Set(service.instances.map(servedAddress).filter((a) => a !== undefined));
  assert.deepEqual([...served].sort(), [...expected].sort());
  const invalid = warnings.filter((w) => w.code === 'INSTANCE_INVALID').length;
  assert.equal(
    invalid,
    service.instances.filter(isBad).length,
    'one INSTANCE_INVALID warning per bad instance',
  );
  // DNS resolution exactly when a host name is served among the valid instances.
  const hostNames = service.instances.some((i) => !isBad(i) && !isPlainIp(String(i.address)));
  assert.equal(se.spec.resolution, hostNames ? 'DNS' : 'STATIC');
}

describe('convertService properties (fast-check)', () => {
  for (const ctx of contexts) {
    test(`${ctx.mode} mode: ${RUNS} arbitrary services convert to what istiod accepts, or to warnings; deterministic; bad instances cost only themselves`, () => {
      const t0 = performance.now();
      fc.assert(
        fc.property(anyService, fc.integer(), (service, seed) => {
          checkOne(service, ctx, seed);
        }),
        { numRuns: RUNS, ...(SEED !== undefined && { seed: SEED }) },
      );
      const ms = performance.now() - t0;
      // Wall time goes to the log (docs/reliability.md quotes it), never into an assertion.
      process.stdout.write(`# properties ${ctx.mode}: ${RUNS} cases in ${(ms / 1000).toFixed(1)} s\n`);
    });
  }
});

/**
 * Two bridge replicas (two `registry-bridge serve` processes, the same
 * configuration) on one real Consul agent:
 *
 * - they answer byte for byte the same, nonce aside: every SotW response
 *   (version_info, each resource's bytes and so its metadata.version) and every
 *   Delta response, before and after a change in Consul;
 * - a real istiod reading replica A through a TCP relay (what a Service or load
 *   balancer in front of the replicas is) is moved to replica B by switching
 *   the relay's backend and closing its connection: istiod reconnects to B,
 *   receives every kind again, and changes nothing (configz identical with its
 *   resourceVersions, its config-update and push counters unmoved, no push
 *   logged); a later change in Consul then reaches it through B, so those
 *   counters were live.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { adapterCatalog } from '../../src/adapters/catalog/catalog.js';
import { decodeMcpResource } from '../../src/codec/decode.js';
import { protoTypes } from '../../src/codec/proto.js';
import { BridgeProcess, type DebugResources } from '../support/bridge-process.js';
import { ConsulAgent, describeWithConsul, ttlCheck } from '../support/consul.js';
import { describeWithIstio, Istiod, reportConvergence, sleep, until } from '../support/istiod.js';
import { deltaSnapshot, sotwSnapshot } from '../support/raw-ads.js';
import { unavailableSuite } from '../support/skip.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { withoutFields } from '../support/wire-fields.js';
import {
  assertIstiodHoldsBridgeState,
  assertIstiodSubscribed,
  assertNoProblems,
  endpointCheck,
  istiodTypeUrlsOf,
  measureConvergence,
  receivedCount,
  settle,
  sortedConfigz,
  sum,
  updateCounters,
} from './helpers.js';

const SUITE = 'two bridge replicas on one Consul agent';
const SE_URL = 'networking.istio.io/v1/ServiceEntry';
const WEB_HOST = 'web.service.consul';
/** The nonce: field 5 of both DiscoveryResponse and DeltaDiscoveryResponse. */
const NONCE = 5;

/** kind → type version, and every resource's name@version, from /debug/resources. */
function servedSummary(r: DebugResources): string[] {
  const out: string[] = [];
  for (const [kind, k] of Object.entries(r.kinds).sort(([x], [y]) => (x < y ? -1 : 1))) {
    out.push(`${kind} ${k.version}`, ...k.resources.map((x) => `  ${x.name}@${x.version}`));
  }
  return out;
}

/**
 * Waits until both replicas serve the same state (gate open, same versions)
 * and `wanted` holds for it; returns it.
 */
async function sameState(
  a: BridgeProcess,
  b: BridgeProcess,
  what: string,
  wanted: (summary: string[]) => boolean = () => true,
): Promise<string[]> {
  const { value } = await until(
    `${what}: both replicas serve the same state`,
    async () => {
      const [ra, rb] = [await a.resources(), await b.resources()];
      if (!ra.gateOpen || !rb.gateOpen) return undefined;
      const [sa, sb] = [servedSummary(ra), servedSummary(rb)];
      return JSON.stringify(sa) === JSON.stringify(sb) && wanted(sa) ? sa : undefined;
    },
    15_000,
  );
  return value;
}

/** The versions carried by a raw SotW response: version_info and each resource's metadata.version. */
function sotwVersions(raw: Buffer): { versionInfo: string; resources: string[] } {
  const t = protoTypes();
  const msg = t.DiscoveryResponse.decode(raw) as unknown as {
    versionInfo: string;
    resources: { type_url?: string; typeUrl?: string; value: Uint8Array }[];
  };
  const resources = msg.resources.map((any) => {
    const d = decodeMcpResource({ type_url: any.type_url ?? any.typeUrl ?? '', value: any.value });
    if ('error' in d) throw new Error(d.error);
    return `${d.resource.namespace}/${d.resource.name}@${d.version}`;
  });
  return { versionInfo: msg.versionInfo, resources };
}

/** Asserts that two snapshots hold the same type URLs and, per type, the same bytes once the nonce is left out. */
function assertSameBytes(a: Map<string, Buffer>, b: Map<string, Buffer>, what: string): void {
  assert.deepEqual([...b.keys()].sort(), [...a.keys()].sort(), `${what}: the same type URLs answered`);
  for (const [url, ra] of a) {
    const rb = b.get(url)!;
    assert.ok(
      withoutFields(ra, NONCE).equals(withoutFields(rb, NONCE)),
      `${what} ${url}: replica A and B differ (nonce aside)\nA ${ra.toString('hex')}\nB ${rb.toString('hex')}`,
    );
  }
}

function suite(bin: string): void {
  describeWithIstio(SUITE, (fx) => {
    const typeUrls = istiodTypeUrlsOf(fx.line);
    let agent: ConsulAgent;
    let a: BridgeProcess;
    let b: BridgeProcess;
    let proxy: TcpProxy;
    let istiod: Istiod;

    before(async () => {
      agent = await ConsulAgent.start(bin);
      for (const [id, address] of [
        ['web-1', '10.2.0.1'],
        ['web-2', '10.2.0.2'],
      ] as const) {
        await agent.registerService({
          ID: id,
          Name: 'web',
          Tags: ['protocol=http'],
          Address: address,
          Port: 8080,
          Meta: { version: 'v1' },
          Checks: [ttlCheck(`${id}-ttl`)],
        });
      }
      await agent.registerService({
        ID: 'orders-1',
        Name: 'Orders.GRPC_Service',
        Tags: ['protocol=grpc'],
        Address: '10.2.1.1',
        Port: 50051,
        Checks: [ttlCheck('orders-1-ttl')],
      });
      const registries = [{ name: 'consul', type: 'consul', address: agent.address, wait: '30s' }];
      a = await BridgeProcess.start({ registries });
      b = await BridgeProcess.start({ registries });
      await sameState(a, b, 'start');
    });

    after(async () => {
      await istiod?.stop();
      await proxy?.stop();
      await a?.dispose();
      await b?.dispose();
      await agent?.stop();
    });

    test('the replicas answer byte-identically, SotW and Delta, before and after a Consul change', async () => {
      const check = async (
        what: string,
        serviceEntries: number,
        wanted?: (summary: string[]) => boolean,
      ): Promise<{ served: string[]; version: string }> => {
        const served = await sameState(a, b, what, wanted);
        const [sa, sb] = [await sotwSnapshot(a.xds, typeUrls), await sotwSnapshot(b.xds, typeUrls)];
        assertSameBytes(sa, sb, `${what}, SotW`);
        // Not vacuous: the ServiceEntry response carries the served resources and versions.
        const se = sotwVersions(sa.get(SE_URL)!);
        const kind = (await a.resources()).kinds.ServiceEntry!;
        assert.equal(se.versionInfo, kind.version, 'version_info = the served type version');
        assert.equal(se.resources.length, serviceEntries);
        assert.deepEqual(
          se.resources,
          kind.resources.map((r) => `${r.name}@${r.version}`),
          'every resource with its metadata.version',
        );
        const [da, db] = [await deltaSnapshot(a.xds, typeUrls), await deltaSnapshot(b.xds, typeUrls)];
        assertSameBytes(da, db, `${what}, Delta`);
        assert.ok(da.get(SE_URL)!.length > 0);
        assert.deepEqual(served, await sameState(a, b, `${what} (after)`), `${what}: no change meanwhile`);
        return { served, version: se.versionInfo };
      };

      const first = await check('start', 2);
      await agent.registerService({
        ID: 'web-3',
        Name: 'web',
        Tags: ['protocol=http'],
        Address: '10.2.0.3',
        Port: 8080,
        Checks: [ttlCheck('web-3-ttl')],
      });
      const before = JSON.stringify(first.served);
      const second = await check('after web-3 registered', 2, (s) => JSON.stringify(s) !== before);
      assert.notEqual(second.version, first.version, 'the change gave a new ServiceEntry version');
    });

    test('istiod moved from replica A to replica B sees no config update', async () => {
      proxy = await TcpProxy.start(a.xdsPort);
      istiod = await Istiod.start(fx, proxy.address);
      await assertIstiodSubscribed(a, 10_000, typeUrls);
      assert.deepEqual(await b.clients(), [], 'replica B has no client yet');
      await assertIstiodHoldsBridgeState(istiod, a);
      const counters = await settle(istiod);
      const configz = sortedConfigz(await istiod.configz());
      const served = (await a.resources()).kinds.ServiceEntry!.version;
      const mark = istiod.mark();

      proxy.switchTo(b.xdsPort);
      const moved = performance.now();
      const { ms } = await until(
        'istiod reconnected (to B) and received every kind again',
        () => (typeUrls.every((u) => receivedCount(istiod, u, mark) !== undefined) ? true : undefined),
        70_000,
        moved,
      );
      reportConvergence(`replica move A -> B: istiod ${fx.line} received every kind again`, ms);
      assert.equal(receivedCount(istiod, SE_URL, mark), configz.length);
      await sleep(1_000); // istiod debounces config events by 100 ms; give any push time to show

      const client = await assertIstiodSubscribed(b, 10_000, typeUrls);
      assert.equal(
        client.watches.find((w) => w.typeUrl === SE_URL)!.lastAckedVersion,
        served,
        'istiod ACKed at B the ServiceEntry version A had sent',
      );
      await until(
        'replica A lost its client',
        async () => ((await a.clients()).length === 0 ? true : undefined),
        10_000,
      );
      assert.deepEqual(
        sortedConfigz(await istiod.configz()),
        configz,
        'configz identical, resourceVersions included',
      );
      assert.deepEqual(await updateCounters(istiod), counters, 'no config/eds/svc event, no push');
      assert.doesNotMatch(istiod.logSince(mark), /Push debounce stable|XDS: Pushing|Cache Update/);
      assertNoProblems(istiod, mark);

      // The counters are live: a real change reaches istiod through B and moves them.
      await measureConvergence(
        'replica B: consul instance added after the move',
        () =>
          agent.registerService({
            ID: 'web-4',
            Name: 'web',
            Tags: ['protocol=http'],
            Address: '10.2.0.4',
            Port: 8080,
            Checks: [ttlCheck('web-4-ttl')],
          }),
        endpointCheck(istiod, WEB_HOST, '10.2.0.4'),
      );
      assert.ok(sum(await updateCounters(istiod)) > sum(counters), 'istiod counted the change');
      await assertIstiodHoldsBridgeState(istiod, b);
      assertNoProblems(istiod, mark);
    });
  });
}

if (adapterCatalog.has('consul')) {
  describeWithConsul(SUITE, suite);
} else {
  unavailableSuite(SUITE, 'the consul adapter is not registered in src/adapters/catalog.ts');
}

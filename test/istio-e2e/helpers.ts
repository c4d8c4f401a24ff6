/** Assertions shared by the istiod end-to-end suites. */
import assert from 'node:assert/strict';
import { istiodTypeUrls, MESH_CONFIG_TYPE_URL } from '../../src/codec/type-urls.js';
import { BridgeProcess, type BridgeProcessOptions, type DebugClient } from '../support/bridge-process.js';
import {
  addressesOf,
  Istiod,
  reportConvergence,
  until,
  type IstioFixtures,
  type IstiodLineName,
  type IstiodOptions,
  type ConfigzEntry,
  type RegistryzService,
} from '../support/istiod.js';

/**
 * What istiod 1.24-1.29 asks a config source for (adsc.ConfigInitialRequests),
 * MeshConfig first. istiod itself is the oracle: the suites compare this with
 * what the bridge saw istiod subscribe to.
 */
export const ISTIOD_126_TYPE_URLS = [MESH_CONFIG_TYPE_URL, ...istiodTypeUrls('1.24')];

/** What istiod 1.30 and later ask for: 1.26's plus extensions.istio.io/v1alpha1/TrafficExtension. */
export const ISTIOD_131_TYPE_URLS = [MESH_CONFIG_TYPE_URL, ...istiodTypeUrls('1.30')];

/** What istiod of the 1.22 line asks for (as 1.20-1.23 do): the pre-1.24 group versions. */
export const ISTIOD_122_TYPE_URLS = [MESH_CONFIG_TYPE_URL, ...istiodTypeUrls('1.20')];

/** The type URLs (MeshConfig first) an istiod of `line` asks its config source for. */
export function istiodTypeUrlsOf(line: IstiodLineName): readonly string[] {
  return line === '1.26' ? ISTIOD_126_TYPE_URLS : ISTIOD_131_TYPE_URLS;
}

/** The number of Istio kinds (type URLs less MeshConfig) an istiod of `line` asks for: 14 on 1.26, 15 on 1.31. */
export function istiodKindCount(line: IstiodLineName): number {
  return istiodTypeUrlsOf(line).length - 1;
}

/** An instance / a service in the file registry's format (services.yaml). */
export interface FileInstance {
  address: string;
  port: number;
  protocol?: string;
  labels?: Record<string, string>;
  healthy?: boolean;
  locality?: string;
  weight?: number;
}
export interface FileService {
  name: string;
  namespace?: string;
  host?: string;
  protocol?: string;
  instances: FileInstance[];
}

/** The file registry the file suites configure (services.yaml in the bridge's folder). */
export const FILE_REGISTRY = {
  name: 'files',
  type: 'file',
  namespace: 'ext',
  path: 'services.yaml',
  pollInterval: '100ms',
} as const;

export const MANAGED_BY = 'app.kubernetes.io/managed-by';
export const REGISTRY_LABEL = 'registry-bridge.io/registry';
export const ORIGINAL_NAME = 'registry-bridge.io/original-name';
export const REGISTRY_TYPE = 'registry-bridge.io/registry-type';
export const SERVICE_SELECTOR = 'registry-bridge.io/service';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function assertDns1123Label(name: string): void {
  assert.ok(name.length <= 63 && DNS1123_LABEL.test(name), `"${name}" is not a DNS-1123 label`);
}

/** The number of resources istiod logged for `typeUrl` in its last "Received" line after `mark`. */
export function receivedCount(istiod: Istiod, typeUrl: string, mark = 0): number | undefined {
  const re = new RegExp(`\\tReceived\\ttype=${typeUrl.replace(/[.]/g, '\\.')} count=(\\d+) `);
  let count: number | undefined;
  for (const line of istiod.logSince(mark).split('\n')) {
    const m = re.exec(line);
    if (m) count = Number(m[1]);
  }
  return count;
}

/** Asserts that istiod's log since `mark` holds no rejected config and no warnings. */
export function assertNoProblems(istiod: Istiod, mark = 0): void {
  assert.deepEqual(istiod.problems(mark), [], 'istiod logged problems');
}

/** configz entries of the bridge's kinds, keyed `Kind namespace/name`. */
export function configzByKey(configz: ConfigzEntry[]): Map<string, ConfigzEntry> {
  return new Map(configz.map((c) => [`${c.kind} ${c.metadata.namespace}/${c.metadata.name}`, c]));
}

/** configz in a stable order (istiod lists it in map order). */
export function sortedConfigz(configz: ConfigzEntry[]): ConfigzEntry[] {
  const key = (c: ConfigzEntry): string => `${c.kind} ${c.metadata.namespace}/${c.metadata.name}`;
  return [...configz].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Finds the one configz entry of `kind` whose original-name annotation is `original`. */
export function byOriginalName(configz: ConfigzEntry[], kind: string, original: string): ConfigzEntry {
  const found = configz.filter(
    (c) => c.kind === kind && c.metadata.annotations?.[ORIGINAL_NAME] === original,
  );
  assert.equal(found.length, 1, `istiod holds ${found.length} ${kind} with original name "${original}"`);
  return found[0]!;
}

export function serviceByHost(registryz: RegistryzService[], host: string): RegistryzService {
  const found = registryz.filter((s) => s.hostname === host);
  assert.equal(found.length, 1, `istiod's registry holds ${found.length} services for ${host}`);
  return found[0]!;
}

export function portsOf(svc: RegistryzService): string[] {
  return (svc.ports ?? []).map((p) => `${p.name}/${p.port}/${p.protocol}`).sort();
}

/**
 * The bridge's debug JSON as proto3 JSON prints it (what istiod's configz
 * shows): empty lists and maps are left out.
 */
export function protoJson(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(protoJson);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (Array.isArray(x) && x.length === 0) continue;
    if (typeof x === 'object' && x !== null && !Array.isArray(x) && Object.keys(x).length === 0) continue;
    out[k] = protoJson(x);
  }
  return out;
}

/**
 * Asserts that istiod's config store holds exactly what the bridge serves:
 * same ServiceEntries and WorkloadEntries, each with the bridge's
 * metadata.version as resourceVersion and the same spec; nothing else.
 */
export async function assertIstiodHoldsBridgeState(
  istiod: Istiod,
  bridge: BridgeProcess,
): Promise<ConfigzEntry[]> {
  const served = await bridge.resources();
  const configz = await istiod.configz();
  assert.deepEqual(
    [...new Set(configz.map((c) => c.kind))].filter((k) => k !== 'ServiceEntry' && k !== 'WorkloadEntry'),
    [],
    'istiod holds only ServiceEntry/WorkloadEntry (the bridge answers every other kind empty)',
  );
  for (const kind of ['ServiceEntry', 'WorkloadEntry']) {
    const ours = (served.kinds[kind]?.resources ?? [])
      .map((r) => ({ key: r.name, version: r.version, spec: protoJson(r.spec) }))
      .sort((a, b) => (a.key < b.key ? -1 : 1));
    const theirs = configz
      .filter((c) => c.kind === kind)
      .map((c) => ({
        key: `${c.metadata.namespace}/${c.metadata.name}`,
        version: c.metadata.resourceVersion,
        spec: c.spec,
      }))
      .sort((a, b) => (a.key < b.key ? -1 : 1));
    assert.deepEqual(
      theirs.map((t) => `${t.key}@${t.version}`),
      ours.map((o) => `${o.key}@${o.version}`),
      `${kind}: istiod's names and resourceVersions = the bridge's names and versions`,
    );
    assert.deepEqual(theirs, ours, `${kind}: istiod's specs = the bridge's specs`);
    for (const c of configz.filter((e) => e.kind === kind)) {
      assert.equal(c.metadata.labels?.[MANAGED_BY], 'istio-registry-bridge');
      assert.ok(c.metadata.labels?.[REGISTRY_LABEL], `${c.metadata.name}: registry label`);
      assert.ok(c.metadata.annotations?.[ORIGINAL_NAME], `${c.metadata.name}: original-name annotation`);
      assert.equal(c.metadata.creationTimestamp, '1970-01-01T00:00:00Z');
      assertDns1123Label(c.metadata.name);
      assertDns1123Label(c.metadata.namespace);
    }
  }
  return configz;
}

/**
 * Asserts that istiod is the bridge's one SotW client, subscribed to every
 * type URL of its release (`typeUrls`), each ACKed at the version sent and never NACKed.
 */
export async function assertIstiodSubscribed(
  bridge: BridgeProcess,
  timeoutMs = 10_000,
  typeUrls: readonly string[] = ISTIOD_126_TYPE_URLS,
): Promise<DebugClient> {
  // istiod ACKs each response after applying it to its store: on a busy machine the
  // last ACKs of a (re)connect can trail the check by a moment, so wait for them.
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await checkIstiodSubscribed(bridge, typeUrls);
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function checkIstiodSubscribed(
  bridge: BridgeProcess,
  typeUrls: readonly string[],
): Promise<DebugClient> {
  const clients = await bridge.clients();
  assert.equal(clients.length, 1, 'one client: istiod');
  const c = clients[0]!;
  assert.equal(c.mode, 'sotw');
  assert.match(c.nodeId, /^sidecar~.*~istiod-e2e\.istio-system~istio-system\.svc\.cluster\.local$/);
  assert.deepEqual(c.watches.map((w) => w.typeUrl).sort(), [...typeUrls].sort());
  for (const w of c.watches) {
    // Without this, a watch never answered (nothing sent, nothing ACKed) would pass the next check.
    assert.ok(w.lastSentVersion, `${w.typeUrl} was answered`);
    assert.equal(w.lastAckedVersion, w.lastSentVersion, `${w.typeUrl} ACKed at the version sent`);
    assert.equal(w.nackCount, 0, `${w.typeUrl} never NACKed`);
  }
  return c;
}

/** istiod's counters of config events turned into pushes (all stay put when nothing changed). */
export async function updateCounters(istiod: Istiod): Promise<Record<string, number>> {
  const m = await istiod.metrics();
  const out: Record<string, number> = {};
  for (const k of [
    'pilot_inbound_updates{type="config"}',
    'pilot_inbound_updates{type="eds"}',
    'pilot_inbound_updates{type="svc"}',
    'pilot_debounce_time_count',
  ]) {
    out[k] = m.get(k) ?? 0;
  }
  return out;
}

/**
 * Waits until istiod is quiet: its update counters unchanged for `quietMs`
 * (istiod debounces config events for 100 ms before it pushes).
 */
export async function settle(
  istiod: Istiod,
  quietMs = 600,
  timeoutMs = 15_000,
): Promise<Record<string, number>> {
  const end = Date.now() + timeoutMs;
  let last = await updateCounters(istiod);
  for (;;) {
    await new Promise((r) => setTimeout(r, quietMs));
    const now = await updateCounters(istiod);
    if (JSON.stringify(now) === JSON.stringify(last)) return now;
    if (Date.now() > end) throw new Error(`istiod kept counting config events for ${timeoutMs} ms`);
    last = now;
  }
}

export const sum = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);

/**
 * Makes a change, then polls istiod until `check` holds; prints and records
 * the time from the change's completion (file renamed, API call answered).
 */
export async function measureConvergence<T>(
  label: string,
  change: () => void | Promise<void>,
  check: () => Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<{ value: T; ms: number }> {
  await change();
  const start = performance.now();
  const r = await until(label, check, timeoutMs, start);
  reportConvergence(label, r.ms);
  return r;
}

/** A bridge (child process) and an istiod reading only from it. */
export async function startBridgeAndIstiod(
  fx: IstioFixtures,
  bridgeOptions: BridgeProcessOptions,
  istiodOptions: IstiodOptions = {},
): Promise<{ bridge: BridgeProcess; istiod: Istiod }> {
  const bridge = await BridgeProcess.start(bridgeOptions);
  return { bridge, istiod: await Istiod.start(fx, bridge.xds, istiodOptions) };
}

export async function stopBridgeAndIstiod(
  istiod: Istiod | undefined,
  bridge: BridgeProcess | undefined,
): Promise<void> {
  await istiod?.stop();
  await bridge?.dispose();
}

/** istiod logged a response for every type URL it asks for, with `serviceEntries` ServiceEntries and no other resource. */
export function assertEveryKindReceived(
  istiod: Istiod,
  typeUrls: readonly string[],
  serviceEntries: number,
): void {
  assert.match(istiod.log(), /All caches have been synced/);
  for (const url of typeUrls) {
    const expected = url.endsWith('/ServiceEntry') ? serviceEntries : 0;
    assert.equal(receivedCount(istiod, url), expected, `istiod received ${url}`);
  }
}

/** A 70-character name that is not DNS-1123 (upper case, underscores, dots). */
export const LONG_NAME = 'Warehouse_Order_Fulfilment.Service_API_v2_for_EU_and_US_regions_ABCDEF';

/**
 * Services with names, labels and addresses istiod would reject if the bridge
 * passed them through: upper case, underscores, dots, own namespace, a
 * 70-character name, invalid labels, a host-name address, all-unhealthy.
 */
export function uglyServices(): FileService[] {
  return [
    {
      name: 'Legacy_Billing.API',
      namespace: 'Pay_Ments',
      protocol: 'grpc',
      instances: [
        { address: '10.0.1.5', port: 50051, labels: { Version: 'v1.0_beta!', 'bad key': 'x' } },
        { address: '10.0.1.5', port: 8080, protocol: 'http' },
        { address: '10.0.1.6', port: 50051, healthy: false },
      ],
    },
    {
      name: LONG_NAME,
      protocol: 'http2',
      instances: [
        { address: '10.0.2.1', port: 9090, locality: 'us-east-1/us-east-1a/rack-1', weight: 5 },
        { address: '10.0.2.2', port: 9090, locality: 'eu-west-1/eu-west-1b', weight: 2 },
      ],
    },
    {
      name: 'Payments.Gateway',
      host: 'Payments.Shop.Example',
      protocol: 'https',
      instances: [{ address: 'payments-1.shop.example', port: 8443 }],
    },
    {
      name: 'Dark_Launch',
      protocol: 'tcp',
      instances: [{ address: '10.0.3.1', port: 7000, healthy: false }],
    },
  ];
}

/**
 * A convergence check: true once istiod's endpoints for `host` do (`present`)
 * or do not (`!present`) include `address`, else undefined (keep waiting).
 */
export function endpointCheck(istiod: Istiod, host: string, address: string, present = true) {
  return async (): Promise<true | undefined> =>
    addressesOf(await istiod.endpointShardz(), host).includes(address) === present ? true : undefined;
}

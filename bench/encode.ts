/**
 * encodeResource over the 10,000 ServiceEntries (10 endpoints each) of
 * `benchService(i)`: the protobufjs path as it was before the hand-written
 * encoders (fromObject + encode, then Any and the SotW field copied apart)
 * against `encodeResource` today. Rounds alternate the two; the figures are the
 * median wall time and CPU time (this process, user + system) of 5 rounds
 * each, and every round checks the bytes agree.
 *
 *   npm run bench -- encode   (or, built: node --expose-gc dist/bench/run.js encode)
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { bodyTypeUrl } from '../src/codec/kinds.js';
import { protoTypes } from '../src/codec/proto.js';
import { encodeResource, type EncodedResource } from '../src/codec/resource-codec.js';
import { MCP_RESOURCE_TYPE } from '../src/codec/type-urls.js';
import { bytesField, stringField } from '../src/codec/wire.js';
import { convertService } from '../src/convert/service-entry.js';
import { resourceKey, type IstioResource } from '../src/model/istio.js';
import { benchService } from './support/bench-services.js';
import { median } from './stats.js';

const SERVICES = 10_000;
const ROUNDS = 5;

/** encodeResource as it was before the hand-written encoders (kept here as the baseline). */
function protobufjsEncode(resource: IstioResource): EncodedResource {
  const t = protoTypes();
  const bodyType = t.body(resource.kind);
  const body = bodyType.encode(bodyType.fromObject(resource.spec)).finish();
  const key = resourceKey(resource);
  const version = createHash('sha256')
    .update(
      `${resource.kind}\0${key}\0${JSON.stringify(resource.labels)}\0${JSON.stringify(resource.annotations)}\0`,
    )
    .update(body)
    .digest('hex')
    .slice(0, 20);
  const versioned = t.McpResource.encode(
    t.McpResource.fromObject({
      metadata: {
        name: key,
        createTime: { seconds: 0, nanos: 0 },
        version,
        labels: resource.labels,
        annotations: resource.annotations,
      },
      body: { type_url: bodyTypeUrl(resource.kind), value: body },
    }),
  ).finish();
  const any = Buffer.concat([stringField(1, MCP_RESOURCE_TYPE), bytesField(2, versioned)]);
  const sotwField = bytesField(2, any, true);
  return { key, resource, version, any: sotwField.subarray(sotwField.length - any.length), sotwField };
}

function resources(): IstioResource[] {
  const out: IstioResource[] = [];
  for (let i = 0; i < SERVICES; i++) {
    const r = convertService(benchService(i), {
      registryName: 'bench',
      registryType: 'file',
      namespace: 'default',
      mode: 'serviceentry',
    });
    out.push(...r.resources);
  }
  return out;
}

interface Round {
  readonly ms: number;
  readonly cpuMs: number;
  readonly out: EncodedResource[];
}

function timeRound(rs: IstioResource[], encode: (r: IstioResource) => EncodedResource): Round {
  (globalThis as { gc?: () => void }).gc?.();
  const out: EncodedResource[] = new Array<EncodedResource>(rs.length);
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < rs.length; i++) out[i] = encode(rs[i]!);
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, out };
}

function line(label: string, rounds: Round[]): string {
  const wall = rounds.map((r) => r.ms);
  const cpu = rounds.map((r) => r.cpuMs);
  const list = (xs: number[]): string => xs.map((x) => x.toFixed(1)).join(', ');
  return `  ${label} wall ${median(wall).toFixed(1)} ms [${list(wall)}], CPU ${median(cpu).toFixed(1)} ms [${list(cpu)}]`;
}

export function runEncodeBench(): void {
  const rs = resources();
  const before: Round[] = [];
  const after: Round[] = [];
  // One warm-up round each: protobufjs generates its code on first use, V8 compiles both.
  timeRound(rs, protobufjsEncode);
  timeRound(rs, encodeResource);
  for (let round = 0; round < ROUNDS; round++) {
    const a = timeRound(rs, protobufjsEncode);
    const b = timeRound(rs, encodeResource);
    before.push(a);
    after.push(b);
    for (let i = 0; i < rs.length; i++) {
      if (!a.out[i]!.sotwField.equals(b.out[i]!.sotwField) || a.out[i]!.version !== b.out[i]!.version) {
        throw new Error(`bytes differ for ${a.out[i]!.key}`);
      }
    }
  }
  const ratio = (f: (r: Round) => number): string =>
    (median(before.map(f)) / median(after.map(f))).toFixed(2);
  console.log(`encodeResource, ${rs.length} ServiceEntries x 10 endpoints, median of ${ROUNDS} rounds`);
  console.log(line('protobufjs (before):', before));
  console.log(line('hand-written (now): ', after));
  console.log(`  before / now: ${ratio((r) => r.ms)}x wall, ${ratio((r) => r.cpuMs)}x CPU`);
}

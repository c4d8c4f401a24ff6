/**
 * encodeResource over the 10,000 ServiceEntries (10 endpoints each) of
 * `benchService(i)`: the protobufjs path (fromObject + encode; what
 * encodeResource falls back to, and what it was before the hand-written
 * encoders, which then also copied the Any once more) against
 * `encodeResource` today. Rounds alternate the two; the figures are the
 * median wall time and CPU time (this process, user + system) of 5 rounds
 * each, and every round checks the bytes agree.
 *
 *   npm run bench -- encode   (or, built: node --expose-gc dist/bench/run.js encode)
 */
import { performance } from 'node:perf_hooks';
import {
  encodeResource,
  encodeResourceWithProtobufjs,
  type EncodedResource,
} from '../src/codec/resource-codec.js';
import { convertService } from '../src/convert/service-entry.js';
import type { IstioResource } from '../src/model/istio.js';
import { benchService } from './support/bench-services.js';
import { median } from './stats.js';

const SERVICES = 10_000;
const ROUNDS = 5;

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
  timeRound(rs, encodeResourceWithProtobufjs);
  timeRound(rs, encodeResource);
  for (let round = 0; round < ROUNDS; round++) {
    const a = timeRound(rs, encodeResourceWithProtobufjs);
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
  console.log(line('protobufjs path:    ', before));
  console.log(line('hand-written (now): ', after));
  console.log(`  before / now: ${ratio((r) => r.ms)}x wall, ${ratio((r) => r.cpuMs)}x CPU`);
}

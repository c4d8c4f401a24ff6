/**
 * The bridge's xDS server as a child process for the peer bench: the same
 * pipeline, store and ADS server `serve` wires, fed `n` generated services
 * directly (no adapter), listening on a free loopback port.
 *
 *   node mcp-server-child.js N RESOURCES_OUT
 *
 * Writes every ServiceEntry's istio.mcp.v1alpha1.Resource bytes to
 * RESOURCES_OUT (4-byte big-endian length, then the bytes) for the peer, then
 * prints `listening PORT COUNT`. Commands on stdin: `push` changes one service
 * (a full-state SotW push to every client); `gc` prints
 * `gc TOTAL MAJOR` (collections seen so far).
 */
import { openSync, writeSync, closeSync } from 'node:fs';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { AdsServer } from '../../src/mcp/server.js';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import { ResourceStore } from '../../src/store/resource-store.js';
import { PrometheusTelemetry } from '../../src/telemetry/prometheus.js';
import { protoTypes } from '../../src/codec/proto.js';
import { benchService } from './bench-services.js';

let gcTotal = 0;
let gcMajor = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcTotal++;
    const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) gcMajor++;
  }
}).observe({ entryTypes: ['gc'] });

const n = Number(process.argv[2]);
const out = process.argv[3]!;
const logger = pino({ level: 'silent' });
const telemetry = new PrometheusTelemetry();
const store = new ResourceStore();
const pipeline = new Pipeline(store, 'serviceentry', telemetry, logger);
const ads = new AdsServer(store, telemetry, logger, { debounceMs: 0, maxDelayMs: 1000, delta: true });
const sink = pipeline.attach({ name: 'bench', type: 'file', namespace: 'bench' });
pipeline.seal();
for (let i = 0; i < n; i++) sink.upsert(benchService(i));
sink.synced();

const ks = store.kind('ServiceEntry');
const Any = protoTypes().Any;
const fd = openSync(out, 'w');
for (const key of ks.keys()) {
  const any = Any.decode(ks.get(key)!.any) as unknown as { value: Uint8Array };
  const head = Buffer.alloc(4);
  head.writeUInt32BE(any.value.length);
  writeSync(fd, head);
  writeSync(fd, any.value);
}
closeSync(fd);

const port = await ads.listen('127.0.0.1:0');
console.log(`listening ${port} ${ks.size}`);

let pushes = 0;
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'push') {
    pushes++;
    sink.upsert(benchService(0, pushes));
    console.log('pushed');
  } else if (line === 'gc') {
    console.log(`gc ${gcTotal} ${gcMajor}`);
  } else if (line === 'quit') {
    void ads.close(0).then(() => process.exit(0));
  }
});

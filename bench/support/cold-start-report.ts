/**
 * The lines every cold-start section prints: the bare child and the bridge,
 * both fresh processes timed from spawn, their ratio against issue 11's
 * target, and the bare client inside the bench process for reference.
 */
import { cpus, loadavg } from 'node:os';
import { median, verdict } from '../stats.js';
import type { BareRun } from './bare-child.js';
import type { BridgeChild } from './bridge-child.js';
import { timeBridgeColdStart } from './cold-start.js';
import { processCpuMs } from './proc-stats.js';

/** Issue 11: an adapter's cold start at most this many times its bare watcher's. */
export const COLD_START_TARGET = 1.5;

export interface ColdStartRuns {
  /** Bare child: spawn to its `done` line. */
  readonly bareChild: number[];
  /** Bridge: spawn to the full ServiceEntry response. */
  readonly bridge: number[];
  /** Bridge: spawn to the xDS port open. */
  readonly listen: number[];
  /** The same bare read inside the (warm) bench process. */
  readonly inProcess: number[];
  /** CPU time (all threads) of the bare child to its `done` line. */
  readonly bareCpu: number[];
  /** CPU time (all threads) of the bridge to the full response. */
  readonly bridgeCpu: number[];
  /** The registry server's CPU time while the bare child ran. */
  readonly serverCpuBare: number[];
  /** The registry server's CPU time from the bridge's spawn to its full response. */
  readonly serverCpuBridge: number[];
}

export function emptyRuns(): ColdStartRuns {
  return {
    bareChild: [],
    bridge: [],
    listen: [],
    inProcess: [],
    bareCpu: [],
    bridgeCpu: [],
    serverCpuBare: [],
    serverCpuBridge: [],
  };
}

/**
 * One run, in this order: the bare read in the bench process, the bare child,
 * then a fresh bridge (started by `startBridge`) until it serves `seen`.
 */
export async function coldStartRound(
  runs: ColdStartRuns,
  o: {
    readonly inProcess: () => Promise<number>;
    readonly bareChild: () => Promise<BareRun>;
    readonly startBridge: () => Promise<BridgeChild>;
    readonly nodeId: string;
    readonly seen: { readonly services: number; readonly instances: number };
    readonly listenTimeoutMs: number;
    readonly fullTimeoutMs: number;
    /** The registry server's PID, to count its CPU time too. */
    readonly serverPid?: number | undefined;
  },
): Promise<void> {
  const server = o.serverPid;
  const serverCpu = (): number => (server === undefined ? 0 : processCpuMs(server));
  runs.inProcess.push(await o.inProcess());
  const beforeBare = serverCpu();
  const bare = await o.bareChild();
  // Also the server's CPU at the bridge's spawn, which follows at once.
  const afterBare = serverCpu();
  runs.bareChild.push(bare.ms);
  runs.bareCpu.push(bare.cpuMs);
  const b = await timeBridgeColdStart(await o.startBridge(), {
    nodeId: o.nodeId,
    services: o.seen.services,
    endpoints: o.seen.instances,
    listenTimeoutMs: o.listenTimeoutMs,
    fullTimeoutMs: o.fullTimeoutMs,
    serverPid: server,
  });
  runs.bridge.push(b.totalMs);
  runs.listen.push(b.listenMs);
  runs.bridgeCpu.push(b.cpuMs);
  if (b.serverCpuMs !== undefined) {
    runs.serverCpuBare.push(afterBare - beforeBare);
    runs.serverCpuBridge.push(b.serverCpuMs - afterBare);
  }
}

const list = (xs: number[]): string => xs.map((x) => x.toFixed(0)).join(', ');

/** `bareRead` says what the bare reader reads, e.g. "catalog + every health query". */
export function printColdStart(runs: ColdStartRuns, bareRead: string): void {
  const mb = median(runs.bareChild);
  const mx = median(runs.bridge);
  const ratio = mx / mb;
  console.log(
    `    bare child (node process), spawn -> ${bareRead}: ${mb.toFixed(0)} ms (${list(runs.bareChild)})`,
  );
  console.log(
    `    bridge, spawn -> full ServiceEntry response: ${mx.toFixed(0)} ms (${list(runs.bridge)}), of which process start to xDS port open ${median(runs.listen).toFixed(0)} ms`,
  );
  console.log(
    `    -> bridge ${ratio.toFixed(2)}x the bare child (target <= ${COLD_START_TARGET}x: ${verdict(ratio <= COLD_START_TARGET)})`,
  );
  const bc = median(runs.bareCpu);
  const xc = median(runs.bridgeCpu);
  console.log(
    `    CPU time to that point, all threads: bare child ${bc.toFixed(0)} ms (${list(runs.bareCpu)}), bridge ${xc.toFixed(0)} ms (${list(runs.bridgeCpu)}) -> ${(xc / bc).toFixed(2)}x`,
  );
  if (runs.serverCpuBare.length > 0) {
    console.log(
      `    the registry server's CPU time meanwhile: ${median(runs.serverCpuBare).toFixed(0)} ms while the bare child ran (${list(runs.serverCpuBare)}), ${median(runs.serverCpuBridge).toFixed(0)} ms from the bridge's spawn to its full response (${list(runs.serverCpuBridge)}); ${cpus().length} cores`,
    );
  }
  console.log(
    `    (for reference) bare client inside the bench process (warm, no process start): ${median(runs.inProcess).toFixed(0)} ms (${list(runs.inProcess)})`,
  );
  console.log(
    `    machine load after the runs (1-minute average): ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`,
  );
}

/**
 * Bridge cold start: spawn to the xDS port open, and to the first
 * ServiceEntry response holding every service and every endpoint.
 */
import type { BridgeChild } from './bridge-child.js';
import { cpuMs, processCpuMs } from './proc-stats.js';
import { totalEndpoints, watchServiceEntries, type ServiceEntryWatch } from './service-entry-watch.js';

export interface ColdStartTimes {
  /** ms from spawn to the first response with the expected ServiceEntries and endpoints. */
  readonly totalMs: number;
  /** ms from spawn to the xDS port open. */
  readonly listenMs: number;
  /** The bridge's CPU time (all threads) when that response arrived, in ms. */
  readonly cpuMs: number;
  /** The registry server's CPU time (whole process, ended threads included) at that moment, when its PID was given. */
  readonly serverCpuMs: number | undefined;
}

/** Times a freshly started bridge, then stops it. */
export async function timeBridgeColdStart(
  bridge: BridgeChild,
  opts: {
    nodeId: string;
    /** At least this many ServiceEntries... */
    services: number;
    /** ...with this many endpoints in all. */
    endpoints: number;
    listenTimeoutMs: number;
    fullTimeoutMs: number;
    serverPid?: number | undefined;
  },
): Promise<ColdStartTimes> {
  let ads: ServiceEntryWatch | undefined;
  try {
    const listening = await bridge.waitListening(opts.listenTimeoutMs);
    const pid = bridge.pid;
    if (pid === undefined) throw new Error(`the bridge did not start:\n${bridge.output()}`);
    const server = opts.serverPid;
    const full = new Promise<{ at: number; cpu: number; serverCpu: number | undefined }>(
      (resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no full response in ${opts.fullTimeoutMs / 1000} s:\n${bridge.output()}`)),
          opts.fullTimeoutMs,
        );
        ads = watchServiceEntries(bridge.xds, opts.nodeId, (res, at) => {
          // The time is taken when the response arrived (`at`), before it is decoded here.
          if (res.resources.length >= opts.services && totalEndpoints(res) >= opts.endpoints) {
            clearTimeout(timer);
            // Read once the response is decoded here; the bridge is all but idle by then.
            resolve({
              at,
              cpu: cpuMs(pid),
              serverCpu: server === undefined ? undefined : processCpuMs(server),
            });
          }
        });
      },
    );
    const { at, cpu, serverCpu } = await full;
    return {
      totalMs: at - bridge.spawnedAt,
      listenMs: listening - bridge.spawnedAt,
      cpuMs: cpu,
      serverCpuMs: serverCpu,
    };
  } finally {
    ads?.close();
    await ads?.done.catch(() => undefined);
    await bridge.stop();
  }
}

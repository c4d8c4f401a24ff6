/** An istiod-like SotW client on ServiceEntry that ACKs every response and reports when it arrived. */
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeMcpResource } from '../../src/codec/decode.js';
import { istiodLikeNode, openSotw, type DiscoveryResponseMsg } from '../../src/mcp/client.js';

const SE = 'networking.istio.io/v1/ServiceEntry';

export interface ServiceEntryWatch {
  close(): void;
  /** Settles when the watch ends; rejects on a stream error while not closed (unless reopening). */
  readonly done: Promise<void>;
}

export interface WatchOptions {
  /** On a stream error, open a new stream 100 ms later (e.g. while the bridge's port is not open yet). */
  readonly reopenOnError?: boolean;
}

export function watchServiceEntries(
  xds: string,
  nodeId: string,
  onResponse: (res: DiscoveryResponseMsg, at: number) => void,
  opts: WatchOptions = {},
): ServiceEntryWatch {
  let closed = false;
  let stream: ReturnType<typeof openSotw> | undefined;
  const done = (async () => {
    while (!closed) {
      const s = openSotw(xds);
      stream = s;
      s.send({ node: istiodLikeNode(nodeId), typeUrl: SE, resourceNames: [], responseNonce: '' });
      try {
        while (!closed) {
          const res = await s.next(3_600_000);
          const at = performance.now();
          s.send({ typeUrl: res.typeUrl, versionInfo: res.versionInfo, responseNonce: res.nonce });
          onResponse(res, at);
        }
      } catch (err) {
        if (closed) return;
        if (!opts.reopenOnError) throw err;
        s.close();
        await sleep(100);
      }
    }
  })();
  return {
    close: () => {
      closed = true;
      stream?.close();
    },
    done,
  };
}

/** Endpoints of ServiceEntry `name` in a response, undefined when it is not there. */
export function endpointCount(res: DiscoveryResponseMsg, name: string): number | undefined {
  for (const any of res.resources) {
    const d = decodeMcpResource(any);
    if ('error' in d) throw new Error(`bridge sent a resource istiod would drop: ${d.error}`);
    if (d.resource.kind === 'ServiceEntry' && d.resource.name === name)
      return d.resource.spec.endpoints?.length ?? 0;
  }
  return undefined;
}

/** Endpoints of every ServiceEntry in a response, added up. */
export function totalEndpoints(res: DiscoveryResponseMsg): number {
  let n = 0;
  for (const any of res.resources) {
    const d = decodeMcpResource(any);
    if ('error' in d) throw new Error(`bridge sent a resource istiod would drop: ${d.error}`);
    if (d.resource.kind === 'ServiceEntry') n += d.resource.spec.endpoints?.length ?? 0;
  }
  return n;
}

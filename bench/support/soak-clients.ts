/**
 * istiod-like ServiceEntry clients for the soak bench, SotW or Delta, each
 * ACKing every response and keeping what it was last told: name -> version
 * (Delta from the resource entries, SotW from the last full response, decoded
 * only when asked, so 10,000 resources per push cost the bench little).
 */
import { protoTypes } from '../../src/codec/proto.js';
import { istiodLikeNode, openDelta, openSotw, type DiscoveryResponseMsg } from '../../src/mcp/client.js';

const SE = 'networking.istio.io/v1/ServiceEntry';

export interface SoakClient {
  readonly id: string;
  readonly mode: 'sotw' | 'delta';
  responses: number;
  /** What the client holds now: resource name -> version. */
  state(): Map<string, string>;
  /** The stream failed (and was not closed by us). */
  readonly error: Error | undefined;
  close(): void;
}

function sotwState(res: DiscoveryResponseMsg | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!res) return out;
  const t = protoTypes();
  for (const any of res.resources) {
    const m = t.McpResource.decode(any.value) as unknown as {
      metadata?: { name?: string; version?: string };
    };
    out.set(m.metadata?.name ?? '', m.metadata?.version ?? '');
  }
  return out;
}

export function startSoakClient(xds: string, id: string, mode: 'sotw' | 'delta'): SoakClient {
  let closed = false;
  let failure: Error | undefined;
  let last: DiscoveryResponseMsg | undefined;
  const held = new Map<string, string>();
  const client: SoakClient = {
    id,
    mode,
    responses: 0,
    state: () => (mode === 'sotw' ? sotwState(last) : new Map(held)),
    get error() {
      return failure;
    },
    close: () => {
      closed = true;
      close();
    },
  };
  let close: () => void;
  if (mode === 'sotw') {
    const s = openSotw(xds);
    close = () => s.close();
    s.send({ node: istiodLikeNode(id), typeUrl: SE, resourceNames: [], responseNonce: '' });
    void (async () => {
      try {
        while (!closed) {
          const res = await s.next(3_600_000);
          s.send({ typeUrl: res.typeUrl, versionInfo: res.versionInfo, responseNonce: res.nonce });
          if (res.typeUrl === SE) last = res;
          client.responses++;
        }
      } catch (err) {
        if (!closed) failure = err as Error;
      }
    })();
  } else {
    const s = openDelta(xds);
    close = () => s.close();
    s.send({ node: istiodLikeNode(id), typeUrl: SE });
    void (async () => {
      try {
        while (!closed) {
          const res = await s.next(3_600_000);
          s.send({ typeUrl: res.typeUrl, responseNonce: res.nonce });
          if (res.typeUrl === SE) {
            for (const r of res.resources) held.set(r.name, r.version);
            for (const name of res.removedResources) held.delete(name);
          }
          client.responses++;
        }
      } catch (err) {
        if (!closed) failure = err as Error;
      }
    })();
  }
  return client;
}

/** Names whose version differs between two states (missing on either side included), at most `max`. */
export function stateDiff(a: Map<string, string>, b: Map<string, string>, max = 5): string[] {
  const out: string[] = [];
  for (const [k, v] of a) if (b.get(k) !== v && out.length < max) out.push(k);
  for (const k of b.keys()) if (!a.has(k) && out.length < max) out.push(k);
  return out;
}

export function sameState(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

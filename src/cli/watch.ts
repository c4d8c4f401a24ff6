import type { Logger } from 'pino';
import { BridgeError } from '../errors.js';
import { renderManifests, toManifest, type OutputFormat } from '../manifest/render.js';
import { istiodLikeNode, openDelta, openSotw, type ClientTls } from '../mcp/client.js';
import { decodeMcpResource, type AnyMsg, type DecodedResource } from '../codec/decode.js';
import { istiodTypeUrls, MESH_CONFIG_TYPE_URL, servedKind, type IstioLine } from '../codec/type-urls.js';

export interface WatchOptions {
  readonly server: string;
  readonly delta: boolean;
  readonly once: boolean;
  readonly output: OutputFormat;
  readonly istio: IstioLine;
  readonly timeoutMs: number;
  readonly tls?: ClientTls | undefined;
  readonly write: (s: string) => void;
  readonly logger: Logger;
}

/**
 * An MCP-over-xDS client that asks what istiod asks (MeshConfig, then every
 * Istio kind of the chosen release line), ACKs every response, and prints the
 * ServiceEntries and WorkloadEntries it holds in `dump`'s format.
 */
export async function runWatch(opts: WatchOptions): Promise<void> {
  const typeUrls = [MESH_CONFIG_TYPE_URL, ...istiodTypeUrls(opts.istio)];
  const state = new Map<string, Map<string, DecodedResource>>();
  const answered = new Set<string>();
  const print = (): void => {
    const manifests = [...state.values()].flatMap((m) =>
      [...m.values()].map((d) => toManifest(d.resource, d.version)),
    );
    opts.write(renderManifests(manifests, opts.output));
  };
  const deadline = opts.once ? Date.now() + opts.timeoutMs : Number.POSITIVE_INFINITY;
  const remaining = (): number => Math.max(1, Math.min(deadline - Date.now(), 2 ** 31 - 1));
  const decodeInto = (typeUrl: string, m: Map<string, DecodedResource>, any: AnyMsg): void => {
    const d = decodeMcpResource(any);
    if ('error' in d) opts.logger.warn({ typeUrl, error: d.error }, 'resource istiod would drop');
    else m.set(`${d.resource.namespace}/${d.resource.name}`, d);
  };

  const onAnswered = (typeUrl: string, count: number, version: string): boolean => {
    const first = !answered.has(typeUrl);
    answered.add(typeUrl);
    opts.logger.info({ typeUrl, resources: count, version }, first ? 'answered' : 'update');
    if (opts.once) return answered.size === typeUrls.length;
    if (servedKind(typeUrl)) print();
    return false;
  };

  const fail = (): never => {
    const missing = typeUrls.filter((t) => !answered.has(t));
    throw new BridgeError(
      'IRB_WATCH_FAILED',
      `no answer within ${opts.timeoutMs} ms for: ${missing.join(', ')}`,
    );
  };

  if (!opts.delta) {
    const stream = openSotw(opts.server, opts.tls);
    try {
      typeUrls.forEach((typeUrl, i) =>
        stream.send({
          typeUrl,
          responseNonce: new Date().toISOString(),
          ...(i === 0 && { node: istiodLikeNode() }),
        }),
      );
      for (;;) {
        const res = await stream
          .next(remaining())
          .catch((err: Error) => (Date.now() >= deadline ? fail() : Promise.reject(err)));
        const m = new Map<string, DecodedResource>();
        for (const any of res.resources) decodeInto(res.typeUrl, m, any);
        if (servedKind(res.typeUrl)) state.set(res.typeUrl, m);
        stream.send({
          typeUrl: res.typeUrl,
          versionInfo: res.versionInfo,
          responseNonce: res.nonce,
          node: istiodLikeNode(),
        });
        if (onAnswered(res.typeUrl, res.resources.length, res.versionInfo)) break;
      }
    } finally {
      stream.close();
    }
  } else {
    const stream = openDelta(opts.server, opts.tls);
    try {
      typeUrls.forEach((typeUrl, i) => stream.send({ typeUrl, ...(i === 0 && { node: istiodLikeNode() }) }));
      for (;;) {
        const res = await stream
          .next(remaining())
          .catch((err: Error) => (Date.now() >= deadline ? fail() : Promise.reject(err)));
        const m = state.get(res.typeUrl) ?? new Map<string, DecodedResource>();
        for (const r of res.resources) if (r.resource) decodeInto(res.typeUrl, m, r.resource);
        for (const name of res.removedResources) m.delete(name);
        if (servedKind(res.typeUrl)) state.set(res.typeUrl, m);
        stream.send({ typeUrl: res.typeUrl, responseNonce: res.nonce });
        if (onAnswered(res.typeUrl, res.resources.length, res.systemVersionInfo)) break;
      }
    } finally {
      stream.close();
    }
  }
  print();
}

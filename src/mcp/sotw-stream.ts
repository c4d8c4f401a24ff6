import { status, type ServerDuplexStream } from '@grpc/grpc-js';
import type { ResourceKind } from '../model/istio.js';
import type { PendingPush } from './push-scheduler.js';
import { sotwResponse } from '../codec/responses.js';
import type { DiscoveryRequestMsg } from './service-def.js';
import { newWatchCommon, StreamBase, type WatchCommon } from './stream-base.js';
import { EMPTY_VERSION, type ClientInfo, type StreamHost } from './stream-host.js';
import { compareStrings } from '../util/compare.js';

interface SotwWatch extends WatchCommon {
  /** Due while the socket was full. */
  pending: boolean;
}

/**
 * State-of-the-world ADS, as istiod's config-source client needs it: every
 * type URL is answered (empty when not served), with the full state of the
 * kind in one response, echoing the requested type URL.
 */
export class SotwStream extends StreamBase<DiscoveryRequestMsg> {
  private readonly watches = new Map<string, SotwWatch>();

  constructor(call: ServerDuplexStream<DiscoveryRequestMsg, Buffer>, host: StreamHost, onClose: () => void) {
    super(call, host, 'sotw', onClose);
  }

  protected onRequest(req: DiscoveryRequestMsg): void {
    // SotW responses always hold the whole kind, so names are never kept; a
    // request listing more than any client needs is still refused.
    const names = req.resourceNames?.length ?? 0;
    const limit = this.host.limits.maxNamesPerRequest;
    if (names > limit) {
      this.reject(
        status.RESOURCE_EXHAUSTED,
        'names_per_request',
        `request lists ${names} resource names; the limit is ${limit} per request (xds.limits.maxNamesPerRequest)`,
      );
      return;
    }
    const typeUrl = req.typeUrl;
    if (!this.hasTypeUrl(typeUrl)) return;
    let w = this.watches.get(typeUrl);
    if (!w) {
      if (!this.canWatchMore(this.watches.size, typeUrl)) return;
      // First request for this type on this stream: a subscription, whatever its nonce
      // (istiod sends a timestamp as the nonce of its very first request).
      w = { ...newWatchCommon(typeUrl), pending: false };
      this.watches.set(typeUrl, w);
      this.count(typeUrl, 'subscribe');
      this.respond(w);
      return;
    }
    if (req.responseNonce !== w.nonce) {
      this.count(typeUrl, 'stale');
      return;
    }
    if (req.errorDetail) {
      this.recordNack(w, req.errorDetail);
      return;
    }
    w.ackedVersion = w.sentVersion;
    this.recordAck(w);
  }

  onChange(kind: ResourceKind, push: PendingPush): void {
    for (const w of this.watches.values()) {
      if (w.kind !== kind || w.sentVersion === undefined) continue;
      w.since ??= push.since;
      this.respond(w);
    }
  }

  onGateOpen(): void {
    for (const w of this.watches.values()) {
      if (w.waiting) this.respond(w);
    }
  }

  protected onDrain(): void {
    for (const w of this.watches.values()) {
      if (w.pending) this.respond(w);
    }
  }

  private respond(w: SotwWatch): void {
    if (w.kind && !this.host.store.isComplete()) {
      w.waiting = true;
      return;
    }
    w.waiting = false;
    if (this.isBlocked) {
      w.pending = true;
      return;
    }
    const store = w.kind ? this.host.store.kind(w.kind) : undefined;
    const version = store ? store.version() : EMPTY_VERSION;
    if (w.sentVersion === version) {
      w.pending = false;
      w.since = undefined;
      return;
    }
    const body = store?.sotwBody();
    if (!this.canSend(body?.length ?? 0)) {
      w.pending = true;
      return;
    }
    w.pending = false;
    const nonce = this.nextNonce();
    w.nonce = nonce;
    w.sentVersion = version;
    this.write(sotwResponse(version, body, w.typeUrl, nonce), w);
    w.since = undefined;
    this.log.debug({ typeUrl: w.typeUrl, version, nonce, resources: store?.size ?? 0 }, 'sent');
  }

  protected watchList(): Iterable<WatchCommon> {
    return this.watches.values();
  }

  info(): ClientInfo {
    return {
      ...this.baseInfo(),
      watches: [...this.watches.values()]
        .sort((a, b) => compareStrings(a.typeUrl, b.typeUrl))
        .map((w) => this.watchInfo(w)),
    };
  }
}

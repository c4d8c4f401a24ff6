import type { ServerDuplexStream } from '@grpc/grpc-js';
import type { ResourceKind } from '../model/istio.js';
import type { PendingPush } from './push-scheduler.js';
import { sotwResponseBytes } from './responses.js';
import type { DiscoveryRequestMsg } from './service-def.js';
import { StreamBase } from './stream-base.js';
import { EMPTY_VERSION, type ClientInfo, type StreamHost } from './stream-host.js';
import { servedKind } from './type-urls.js';

interface SotwWatch {
  readonly typeUrl: string;
  readonly kind: ResourceKind | undefined;
  nonce: string | undefined;
  sentVersion: string | undefined;
  ackedVersion: string | undefined;
  nacks: number;
  lastNack: string | undefined;
  /** Held back until every registry synced. */
  waiting: boolean;
  /** Due while the socket was full. */
  pending: boolean;
  since: number | undefined;
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
    const typeUrl = req.typeUrl;
    const m = this.host.metrics;
    if (!typeUrl) {
      m.requests.inc({ type_url: '', mode: 'sotw', outcome: 'invalid' });
      this.log.warn('request without type_url ignored');
      return;
    }
    let w = this.watches.get(typeUrl);
    if (!w) {
      // First request for this type on this stream: a subscription, whatever its nonce
      // (istiod sends a timestamp as the nonce of its very first request).
      w = {
        typeUrl,
        kind: servedKind(typeUrl),
        nonce: undefined,
        sentVersion: undefined,
        ackedVersion: undefined,
        nacks: 0,
        lastNack: undefined,
        waiting: false,
        pending: false,
        since: undefined,
      };
      this.watches.set(typeUrl, w);
      m.requests.inc({ type_url: typeUrl, mode: 'sotw', outcome: 'subscribe' });
      this.respond(w);
      return;
    }
    if (req.responseNonce !== w.nonce) {
      m.requests.inc({ type_url: typeUrl, mode: 'sotw', outcome: 'stale' });
      return;
    }
    if (req.errorDetail) {
      w.nacks++;
      w.lastNack = req.errorDetail.message ?? `code ${req.errorDetail.code ?? '?'}`;
      m.nacks.inc({ type_url: typeUrl, mode: 'sotw' });
      m.requests.inc({ type_url: typeUrl, mode: 'sotw', outcome: 'nack' });
      this.log.warn(
        { typeUrl, version: w.sentVersion, nodeId: this.node?.id, error: w.lastNack },
        'client rejected a response (NACK); not re-sent until the resources change',
      );
      return;
    }
    w.ackedVersion = req.versionInfo;
    m.requests.inc({ type_url: typeUrl, mode: 'sotw', outcome: 'ack' });
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
    if (w.kind && !this.host.gateOpen()) {
      w.waiting = true;
      return;
    }
    w.waiting = false;
    if (this.isBlocked) {
      w.pending = true;
      return;
    }
    w.pending = false;
    const store = w.kind ? this.host.store.kind(w.kind) : undefined;
    const version = store ? store.version() : EMPTY_VERSION;
    if (w.sentVersion === version) {
      w.since = undefined;
      return;
    }
    const nonce = this.nextNonce();
    const bytes = sotwResponseBytes(version, store?.sotwBody(), w.typeUrl, nonce);
    w.nonce = nonce;
    w.sentVersion = version;
    this.write(bytes, w.typeUrl, w.since);
    w.since = undefined;
    this.log.debug({ typeUrl: w.typeUrl, version, nonce, resources: store?.size ?? 0 }, 'sent');
  }

  info(): ClientInfo {
    return {
      ...this.baseInfo(),
      watches: [...this.watches.values()]
        .sort((a, b) => (a.typeUrl < b.typeUrl ? -1 : 1))
        .map((w) => ({
          typeUrl: w.typeUrl,
          lastSentVersion: w.sentVersion,
          lastAckedVersion: w.ackedVersion,
          lastNonce: w.nonce,
          nackCount: w.nacks,
          lastNack: w.lastNack,
          waitingForSync: w.waiting,
        })),
    };
  }
}

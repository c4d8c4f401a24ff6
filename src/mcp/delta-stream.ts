import type { ServerDuplexStream } from '@grpc/grpc-js';
import type { ResourceKind } from '../model/istio.js';
import type { PendingPush } from './push-scheduler.js';
import { deltaResponse } from '../codec/responses.js';
import type { DeltaDiscoveryRequestMsg } from './service-def.js';
import { newWatchCommon, StreamBase, type WatchCommon } from './stream-base.js';
import { EMPTY_VERSION, type ClientInfo, type StreamHost } from './stream-host.js';
import { compareStrings } from '../util/compare.js';

type Dirty = Set<string> | 'all';

interface DeltaWatch extends WatchCommon {
  wildcard: boolean;
  readonly names: Set<string>;
  /** name -> version the client has (from initial_resource_versions or sent). */
  readonly known: Map<string, string>;
  answered: boolean;
  /** Names to look at on the next send ('all' = every name). */
  dirty: Dirty;
  /** Names just subscribed by name: if they do not exist, the next response says so. */
  readonly asked: Set<string>;
}

function addDirty(w: DeltaWatch, names: Iterable<string> | 'all'): void {
  if (w.dirty === 'all') return;
  if (names === 'all') {
    w.dirty = 'all';
    return;
  }
  for (const n of names) w.dirty.add(n);
}

/**
 * Incremental (Delta) ADS: per-resource versions, wildcard and named
 * subscriptions, initial_resource_versions honoured, removals announced. A
 * change costs work proportional to the names it touches, not the store size.
 */
export class DeltaStream extends StreamBase<DeltaDiscoveryRequestMsg> {
  private readonly watches = new Map<string, DeltaWatch>();

  constructor(
    call: ServerDuplexStream<DeltaDiscoveryRequestMsg, Buffer>,
    host: StreamHost,
    onClose: () => void,
  ) {
    super(call, host, 'delta', onClose);
  }

  protected onRequest(req: DeltaDiscoveryRequestMsg): void {
    const typeUrl = req.typeUrl;
    if (!this.hasTypeUrl(typeUrl)) return;
    let w = this.watches.get(typeUrl);
    const subscribe = req.resourceNamesSubscribe ?? [];
    const unsubscribe = req.resourceNamesUnsubscribe ?? [];
    if (!w) {
      if (!this.canWatchMore(this.watches.size, typeUrl)) return;
      w = {
        ...newWatchCommon(typeUrl),
        // No names on the first request is the legacy wildcard; '*' is the explicit one.
        wildcard: subscribe.length === 0 || subscribe.includes('*'),
        names: new Set(subscribe.filter((n) => n !== '*')),
        known: new Map(Object.entries(req.initialResourceVersions ?? {})),
        answered: false,
        dirty: 'all',
        asked: new Set(subscribe.filter((n) => n !== '*')),
      };
      this.watches.set(typeUrl, w);
      this.count(typeUrl, 'subscribe');
      this.respond(w);
      return;
    }
    if (req.responseNonce && req.responseNonce === w.nonce) {
      if (req.errorDetail) {
        this.recordNack(w, req.errorDetail);
      } else {
        w.ackedVersion = w.sentVersion;
        this.count(typeUrl, 'ack');
      }
    } else if (req.responseNonce) {
      this.count(typeUrl, 'stale');
    }
    // Subscription changes count whatever the nonce.
    let changed = false;
    for (const name of unsubscribe) {
      if (name === '*') w.wildcard = false;
      else w.names.delete(name);
      // The client forgets what it unsubscribed from; forget it too so a re-subscribe sends it.
      if (name !== '*') w.known.delete(name);
    }
    for (const name of subscribe) {
      changed = true;
      if (name === '*') {
        if (!w.wildcard) addDirty(w, 'all');
        w.wildcard = true;
      } else {
        w.names.add(name);
        w.asked.add(name);
        addDirty(w, [name]);
      }
    }
    if (unsubscribe.includes('*')) {
      changed = true;
      addDirty(w, 'all');
    }
    if (changed) this.respond(w);
  }

  onChange(kind: ResourceKind, push: PendingPush): void {
    for (const w of this.watches.values()) {
      if (w.kind !== kind) continue;
      addDirty(w, push.names);
      w.since ??= push.since;
      if (w.answered) this.respond(w);
    }
  }

  onGateOpen(): void {
    for (const w of this.watches.values()) if (w.waiting) this.respond(w);
  }

  protected onDrain(): void {
    for (const w of this.watches.values()) {
      if (w.dirty === 'all' || w.dirty.size > 0) this.respond(w);
    }
  }

  private respond(w: DeltaWatch): void {
    if (w.kind && !this.host.store.isComplete()) {
      w.waiting = true;
      return;
    }
    w.waiting = false;
    if (this.isBlocked) return; // dirty names stay recorded; sent on drain
    const store = w.kind ? this.host.store.kind(w.kind) : undefined;
    const dirty = w.dirty;
    w.dirty = new Set();
    const candidates = dirty === 'all' ? new Set([...(store?.keys() ?? []), ...w.known.keys()]) : dirty;
    const resources: Buffer[] = [];
    const removed: string[] = [];
    for (const name of [...candidates].sort()) {
      const cur = store?.get(name);
      const wanted = w.wildcard || w.names.has(name);
      if (cur && wanted) {
        if (w.known.get(name) === cur.version) continue;
        resources.push(store!.deltaMessage(name)!);
        w.known.set(name, cur.version);
      } else if (w.known.has(name)) {
        removed.push(name);
        w.known.delete(name);
      }
    }
    // A resource asked for by name that does not exist is reported as removed, so the
    // client need not wait for a timeout to learn it is absent.
    for (const name of [...w.asked].sort()) {
      if (!store?.get(name) && !removed.includes(name)) removed.push(name);
    }
    w.asked.clear();
    if (w.answered && resources.length === 0 && removed.length === 0) {
      w.since = undefined;
      return;
    }
    w.answered = true;
    const nonce = this.nextNonce();
    w.nonce = nonce;
    const version = store ? store.version() : EMPTY_VERSION;
    w.sentVersion = version;
    this.write(deltaResponse(version, resources, w.typeUrl, nonce, removed), w.typeUrl, w.since);
    w.since = undefined;
    this.log.debug(
      { typeUrl: w.typeUrl, nonce, sent: resources.length, removed: removed.length },
      'sent delta',
    );
  }

  info(): ClientInfo {
    return {
      ...this.baseInfo(),
      watches: [...this.watches.values()]
        .sort((a, b) => compareStrings(a.typeUrl, b.typeUrl))
        .map((w) => ({ ...this.watchInfo(w), resources: w.known.size })),
    };
  }
}

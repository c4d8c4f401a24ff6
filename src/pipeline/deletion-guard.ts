import type { RegistryService } from '../model/registry.js';

/** When a registry's losses count as a mass deletion, and how long they are held. */
export interface MassDeletionSettings {
  /** How long a mass loss is held before it is applied (ms); 0 turns the guard off. */
  readonly holdFor: number;
  /** Fraction of the registry's services that must be lost (0..1). */
  readonly fraction: number;
  /** Number of services that must be lost (at least 1). */
  readonly minServices: number;
}

export const DEFAULT_MASS_DELETION: MassDeletionSettings = {
  holdFor: 120_000,
  fraction: 0.5,
  minServices: 2,
};

/** Losses arriving within this long of each other are judged together (at most a quarter of holdFor). */
export const SETTLE_MS = 1000;

/** A held change: the service's latest (non-live) form, or `null` for a removal. */
type Held = RegistryService | null;

export interface GuardHooks {
  /** Applies changes to the pipeline, bypassing the guard. */
  apply(upserts: readonly RegistryService[], removes: readonly string[]): void;
  /** The number of held changes changed; `holding` tells whether a hold is on. */
  changed(held: number, holding: boolean): void;
  /** A hold began: `lost` of `total` services lost. */
  holdStarted(lost: number, total: number): void;
  /** A hold ended: the loss persisted (`applied`) or every service came back (`released`). */
  holdEnded(outcome: 'applied' | 'released', count: number): void;
}

/** What the guard needs to know about a service the pipeline holds now. */
export interface CurrentService {
  /** It has at least one healthy instance. */
  readonly live: boolean;
}

export const isLive = (s: RegistryService): boolean => s.instances.some((i) => i.healthy);

/**
 * One registry's guard against mass deletion. A "loss" is a service removed,
 * or a live service (one with a healthy instance) re-sent without any healthy
 * instance. Losses wait `SETTLE_MS` so that a burst (an empty catalog answered
 * at once, grace timers firing together) is judged as one; if, counting the
 * losses applied in the last `holdFor`, at least `minServices` and at least
 * `fraction` of the registry's services are lost, the losses are held for
 * `holdFor` (the served state is kept), else applied. A held service that
 * comes back live is released at once; when all have come back the hold ends.
 * At the end of the window whatever is still held is applied.
 */
export class DeletionGuard {
  private readonly pending = new Map<string, Held>();
  private mode: 'idle' | 'settling' | 'holding' = 'idle';
  private timer: NodeJS.Timeout | undefined;
  /** Losses applied recently: time and whether it removed the service. */
  private recent: { at: number; removed: boolean }[] = [];
  holdingSince: number | undefined;

  constructor(
    private readonly settings: MassDeletionSettings,
    private readonly hooks: GuardHooks,
    private readonly now: () => number = Date.now,
  ) {}

  get held(): number {
    return this.mode === 'holding' ? this.pending.size : 0;
  }

  get holding(): boolean {
    return this.mode === 'holding';
  }

  /**
   * Splits a change into what applies now and what the guard keeps back.
   * `current(id)` is what the pipeline holds for that id (undefined: nothing);
   * `total` the number of services it holds for the registry.
   */
  filter(
    upserts: readonly RegistryService[],
    removes: readonly string[],
    current: (id: string) => CurrentService | undefined,
    total: number,
  ): { upserts: RegistryService[]; removes: string[] } {
    if (this.settings.holdFor <= 0) return { upserts: [...upserts], removes: [...removes] };
    const out = { upserts: [] as RegistryService[], removes: [] as string[] };
    const before = this.pending.size;
    for (const s of upserts) {
      const live = isLive(s);
      if (this.pending.has(s.id)) {
        if (live) {
          this.pending.delete(s.id);
          out.upserts.push(s);
        } else this.pending.set(s.id, s);
        continue;
      }
      if (!live && current(s.id)?.live === true) this.pending.set(s.id, s);
      else out.upserts.push(s);
    }
    for (const id of removes) {
      if (this.pending.has(id) || current(id) !== undefined) this.pending.set(id, null);
    }
    this.afterChange(before, total);
    return out;
  }

  /** Stops timers; held changes are dropped (the registry is going away). */
  stop(): void {
    this.clearTimer();
    this.pending.clear();
    this.mode = 'idle';
    this.holdingSince = undefined;
  }

  private afterChange(before: number, total: number): void {
    if (this.mode === 'holding') {
      if (this.pending.size === 0) this.end('released', before);
      else if (this.pending.size !== before) this.hooks.changed(this.pending.size, true);
      return;
    }
    if (this.pending.size === 0) {
      this.clearTimer();
      this.mode = 'idle';
      return;
    }
    if (this.mode === 'idle') {
      this.mode = 'settling';
      this.totalAtSettle = total;
      this.timer = setTimeout(() => this.decide(), Math.min(SETTLE_MS, this.settings.holdFor / 4));
    } else {
      this.totalAtSettle = Math.max(this.totalAtSettle, total);
    }
  }

  private totalAtSettle = 0;

  private decide(): void {
    this.timer = undefined;
    const now = this.now();
    this.recent = this.recent.filter((r) => now - r.at < this.settings.holdFor);
    const lost = this.pending.size + this.recent.length;
    const total = this.totalAtSettle + this.recent.filter((r) => r.removed).length;
    const { fraction, minServices } = this.settings;
    if (lost >= minServices && lost >= fraction * total) {
      this.mode = 'holding';
      this.holdingSince = now;
      this.hooks.holdStarted(lost, total);
      this.hooks.changed(this.pending.size, true);
      this.timer = setTimeout(() => this.end('applied', this.pending.size), this.settings.holdFor);
      return;
    }
    for (const held of this.pending.values()) this.recent.push({ at: now, removed: held === null });
    this.mode = 'idle';
    this.flush();
  }

  private end(outcome: 'applied' | 'released', count: number): void {
    this.clearTimer();
    this.mode = 'idle';
    this.holdingSince = undefined;
    this.recent = [];
    this.hooks.changed(0, false);
    this.hooks.holdEnded(outcome, count);
    this.flush();
  }

  private flush(): void {
    if (this.pending.size === 0) return;
    const upserts: RegistryService[] = [];
    const removes: string[] = [];
    for (const [id, held] of this.pending) {
      if (held === null) removes.push(id);
      else upserts.push(held);
    }
    this.pending.clear();
    this.hooks.apply(upserts, removes);
  }

  private clearTimer(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

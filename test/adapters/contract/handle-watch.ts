import { createHook, type AsyncHook } from 'node:async_hooks';

/**
 * async_hooks types that stay open until closed: timers, sockets, servers,
 * file watchers, child processes. (One-shot requests end by themselves.)
 */
const LASTING = new Set([
  'Timeout',
  'TCPWRAP',
  'TLSWRAP',
  'TCPSERVERWRAP',
  'PIPEWRAP',
  'PIPESERVERWRAP',
  'UDPWRAP',
  'FSEVENTWRAP',
  'STATWATCHER',
  'PROCESSWRAP',
  'SIGNALWRAP',
]);

/**
 * Records every lasting handle created while it is open, whether ref'ed or
 * not (an unref'ed timer or a `persistent: false` watcher is invisible to
 * process.getActiveResourcesInfo() but still a leak), and which of them have
 * not been destroyed yet.
 */
export class HandleWatch {
  private readonly live = new Map<number, string>();
  private hook: AsyncHook | undefined;

  begin(): this {
    this.hook = createHook({
      init: (id, type) => {
        if (LASTING.has(type)) this.live.set(id, type);
      },
      destroy: (id) => {
        this.live.delete(id);
      },
    }).enable();
    return this;
  }

  /** Stops recording new handles; destruction of recorded ones is still seen. */
  freeze(): void {
    this.hook?.disable();
    this.hook = createHook({ destroy: (id) => void this.live.delete(id) }).enable();
  }

  end(): void {
    this.hook?.disable();
    this.hook = undefined;
  }

  /** Types of the recorded handles still open, sorted. */
  open(): string[] {
    return [...this.live.values()].sort();
  }
}

/** Counts of ref'ed resources by type (process.getActiveResourcesInfo). */
export function activeResources(): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) out.set(r, (out.get(r) ?? 0) + 1);
  return out;
}

/** Resource types of which there are more now than in `baseline`, e.g. `['TCPSocketWrap +1']`. */
export function aboveBaseline(baseline: ReadonlyMap<string, number>): string[] {
  const out: string[] = [];
  for (const [type, n] of activeResources()) {
    const extra = n - (baseline.get(type) ?? 0);
    if (extra > 0) out.push(`${type} +${extra}`);
  }
  return out.sort();
}

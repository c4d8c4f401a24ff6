import { createHash } from 'node:crypto';
import { watch, watchFile, unwatchFile, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { z } from 'zod';
import { durationMs } from '../../util/duration.js';
import { BridgeError, errorMessage } from '../../errors.js';
import type { AdapterContext, RegistryAdapter } from '../adapter.js';
import { defineAdapter, type AdapterEnv, type RegistryIdentity } from '../definition.js';
import { FileBytes } from './read-into.js';
import { RegistryFileReader } from './format.js';
import type { RegistryService } from '../../model/registry.js';

const settingsSchema = z
  .object({
    path: z.string().min(1),
    /** Stat polling as a safety net next to the directory watch (some mounts miss events). */
    pollInterval: durationMs.default(2000),
  })
  .strict();

type FileSettings = z.infer<typeof settingsSchema>;

/** Reads a YAML file of services, and re-reads it when it changes. */
export class FileAdapter implements RegistryAdapter {
  readonly type = 'file';
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastHash: string | undefined;
  private ctx: AdapterContext | undefined;
  private reading: Promise<void> = Promise.resolve();
  private stopped = false;
  private syncSent = false;
  private readonly reader = new RegistryFileReader();
  /** One buffer for every read of the file. */
  private readonly bytes = new FileBytes();
  /** What the sink holds, by id (the reader returns the same object for an unchanged service). */
  private sent = new Map<string, RegistryService>();

  constructor(
    readonly name: string,
    private readonly path: string,
    private readonly pollMs: number,
  ) {}

  private readonly onPoll = (): void => this.schedule();

  async start(ctx: AdapterContext): Promise<void> {
    this.ctx = ctx;
    this.reading = this.reload();
    await this.reading;
    if (this.stopped) return;
    try {
      this.watcher = watch(dirname(this.path), { persistent: false }, (_event, file) => {
        if (file === null || file === basename(this.path) || file.startsWith('..')) this.schedule();
      });
      this.watcher.on('error', (err) => ctx.logger.warn({ err }, 'file watch failed; relying on polling'));
    } catch (err) {
      ctx.logger.warn({ err }, 'cannot watch the folder; relying on polling');
    }
    watchFile(this.path, { interval: this.pollMs, persistent: false }, this.onPoll);
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.close();
    unwatchFile(this.path, this.onPoll);
    if (this.timer) clearTimeout(this.timer);
    return this.reading;
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.reading = this.reading.then(() => this.reload());
    }, 50);
  }

  private async reload(): Promise<void> {
    const ctx = this.ctx!;
    if (this.stopped) return;
    // Bytes, not text: the reader cuts them without one file-sized string.
    let bytes: Buffer;
    try {
      bytes = await this.bytes.read(this.path);
    } catch (err) {
      const e = new BridgeError(
        'IRB_FILE_REGISTRY_INVALID',
        `cannot read ${this.path}: ${errorMessage(err)}; keeping the last good state`,
      );
      ctx.logger.error(e.message);
      ctx.sink.setStale(true, e);
      return;
    }
    // The same bytes as the last good read (e.g. after a bad write, or a touch): nothing to
    // read. The reader compares them with its copy when it keeps one (a large file in the
    // block layout); otherwise a hash of the file decides.
    const same = this.reader.isLastRead(bytes);
    const hash = same === undefined ? createHash('sha256').update(bytes).digest('hex') : undefined;
    if (same === true || (hash !== undefined && hash === this.lastHash)) {
      // The last good content is back: reachable again.
      ctx.sink.setStale(false);
      return;
    }
    let parsed;
    try {
      parsed = this.reader.read(bytes);
    } catch (err) {
      const e = new BridgeError(
        'IRB_FILE_REGISTRY_INVALID',
        `${this.path} is not valid: ${errorMessage(err)}; keeping the last good state`,
      );
      ctx.logger.error(e.message);
      ctx.sink.setStale(true, e);
      return;
    }
    if (this.stopped) return;
    this.lastHash = hash;
    for (const p of parsed.problems) ctx.sink.reportBadInput(this.path, p);
    this.emit(parsed.services);
    ctx.sink.setStale(false);
    if (!this.syncSent) {
      // Once, after the first good state was sent (the adapter contract).
      this.syncSent = true;
      ctx.sink.synced();
    }
    ctx.logger.info({ services: parsed.services.length, path: this.path }, 'file registry loaded');
  }

  /**
   * Sends what changed since the last good read: the first read as one
   * `replaceAll`, later ones as the changed and removed services only, so a
   * one-service edit of a large file costs the sink one service.
   */
  private emit(services: readonly RegistryService[]): void {
    const sink = this.ctx!.sink;
    const next = new Map(services.map((s) => [s.id, s]));
    const prev = this.sent;
    this.sent = next;
    if (!this.syncSent) {
      sink.replaceAll(services);
      return;
    }
    const changed = services.filter((s) => prev.get(s.id) !== s);
    const gone = [...prev.keys()].filter((id) => !next.has(id));
    if (changed.length + gone.length > services.length / 2) {
      sink.replaceAll(services); // mostly new: one batch
      return;
    }
    for (const s of changed) sink.upsert(s);
    for (const id of gone) sink.remove(id);
  }
}

export const fileAdapter = defineAdapter<FileSettings>({
  type: 'file',
  settingsSchema,
  create(identity: RegistryIdentity, settings: FileSettings, env: AdapterEnv) {
    return new FileAdapter(identity.name, resolve(env.configDir, settings.path), settings.pollInterval);
  },
});

/** Kit: a token or password given inline or as a file, the file re-read when the registry refuses it. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../../errors.js';
import { readConfigFile } from './config-file.js';

/** Where a credential comes from; `reload` re-reads its file (e.g. after a 401/403), a no-op for inline values. */
export interface SecretSource {
  current(): string | undefined;
  reload(): void;
}

export interface SecretSettings {
  /** The value written in the config (or undefined). */
  readonly value: string | undefined;
  /** A file holding the value (trimmed); takes effect when set. */
  readonly file: string | undefined;
  /** The setting's name for errors, e.g. `tokenFile`. */
  readonly fileKey: string;
}

/**
 * Reads the secret's file now (a missing, unreadable or empty file is a
 * ConfigError) and again on `reload()`, so a rotated secret is picked up
 * without a restart. A failed or empty re-read keeps the last value.
 */
export async function loadSecret(s: SecretSettings, configDir: string): Promise<SecretSource> {
  if (s.file === undefined) return { current: () => s.value, reload: () => undefined };
  const path = resolve(configDir, s.file);
  const text = (await readConfigFile(s.fileKey, s.file, configDir))?.toString('utf8').trim();
  if (!text) throw new ConfigError(`config key ${s.fileKey}: ${path} is empty`);
  let value = text;
  return {
    current: () => value,
    reload: () => {
      try {
        value = readFileSync(path, 'utf8').trim() || value;
      } catch {
        // keep the last value; the refusal itself is reported by the caller
      }
    },
  };
}

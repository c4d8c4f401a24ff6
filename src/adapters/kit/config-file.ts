/** Kit: reads a file named in a registry's settings (relative to the config file); unreadable is a ConfigError. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError, errorMessage } from '../../errors.js';

/** Reads `file` (resolved against `configDir`); `undefined` when no file is set. `key` names the setting in errors. */
export async function readConfigFile(
  key: string,
  file: string | undefined,
  configDir: string,
): Promise<Buffer | undefined> {
  if (file === undefined) return undefined;
  const path = resolve(configDir, file);
  try {
    return await readFile(path);
  } catch (err) {
    throw new ConfigError(`config key ${key}: cannot read ${path}: ${errorMessage(err)}`);
  }
}

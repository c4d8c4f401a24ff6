import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError, errorMessage } from '../../errors.js';
import type { ConsulTls, TokenSource } from './client.js';
import type { ConsulSettings } from './settings.js';

export interface ConsulCredentials {
  readonly token: TokenSource;
  readonly tls: ConsulTls | undefined;
}

/**
 * Reads the token file and TLS files named in the settings (relative to the
 * config file's folder). A file that cannot be read is a configuration error.
 * A tokenFile is read again after Consul answers 403, so a rotated token is
 * picked up without a restart.
 */
export async function loadCredentials(s: ConsulSettings, configDir: string): Promise<ConsulCredentials> {
  const read = async (key: string, file: string | undefined): Promise<Buffer | undefined> => {
    if (file === undefined) return undefined;
    const path = resolve(configDir, file);
    try {
      return await readFile(path);
    } catch (err) {
      throw new ConfigError(`config key ${key}: cannot read ${path}: ${errorMessage(err)}`);
    }
  };
  let token: TokenSource = { current: () => s.token, reload: () => undefined };
  const tokenText = (await read('tokenFile', s.tokenFile))?.toString('utf8').trim();
  if (s.tokenFile !== undefined) {
    const path = resolve(configDir, s.tokenFile);
    if (!tokenText) throw new ConfigError(`config key tokenFile: ${path} is empty`);
    let value = tokenText;
    token = {
      current: () => value,
      reload: () => {
        try {
          value = readFileSync(path, 'utf8').trim() || value;
        } catch {
          // keep the last token; the 403 itself is reported
        }
      },
    };
  }
  const wantsTls = s.caFile !== undefined || s.certFile !== undefined || s.insecureSkipVerify;
  const tls: ConsulTls | undefined = wantsTls
    ? {
        ca: await read('caFile', s.caFile),
        cert: await read('certFile', s.certFile),
        key: await read('keyFile', s.keyFile),
        rejectUnauthorized: !s.insecureSkipVerify,
      }
    : undefined;
  return { token, tls };
}

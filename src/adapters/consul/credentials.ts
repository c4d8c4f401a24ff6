import { loadSecret } from '../kit/secret.js';
import { loadTls } from '../kit/tls.js';
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
  const token = await loadSecret({ value: s.token, file: s.tokenFile, fileKey: 'tokenFile' }, configDir);
  const tls = await loadTls(s, configDir);
  return { token, tls };
}

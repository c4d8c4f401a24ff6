/** Kit: TLS settings of an HTTPS registry (caFile, certFile, keyFile, insecureSkipVerify): schema, checks, file loading. */
import { resolve } from 'node:path';
import { z } from 'zod';
import { BridgeError } from '../../errors.js';
import { keyMaterialProblem, type PemInput } from '../../util/pem.js';
import { readConfigFile } from './config-file.js';
import { nonEmpty, type IssueReporter } from './schema-parts.js';

/** Zod keys to spread into a registry's settings object. */
export const tlsSettingsShape = {
  caFile: nonEmpty.optional(),
  certFile: nonEmpty.optional(),
  keyFile: nonEmpty.optional(),
  insecureSkipVerify: z.boolean().default(false),
};

export interface TlsSettings {
  readonly caFile?: string | undefined;
  readonly certFile?: string | undefined;
  readonly keyFile?: string | undefined;
  readonly insecureSkipVerify: boolean;
}

/** What node:https needs (the contents of the files). */
export interface TlsMaterial {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly rejectUnauthorized: boolean;
}

/** Whether any TLS setting is given. */
export function wantsTls(s: TlsSettings): boolean {
  return (
    s.caFile !== undefined || s.certFile !== undefined || s.keyFile !== undefined || s.insecureSkipVerify
  );
}

/**
 * certFile and keyFile go together, and TLS settings need an https://
 * address (`addressKey` names the setting holding it).
 */
export function checkTlsSettings(
  s: TlsSettings,
  address: string,
  addressKey: string,
  issue: IssueReporter,
): void {
  if ((s.certFile === undefined) !== (s.keyFile === undefined)) {
    issue([s.certFile === undefined ? 'certFile' : 'keyFile'], 'certFile and keyFile go together');
  }
  if (wantsTls(s) && !address.startsWith('https:')) {
    issue(
      [addressKey],
      'TLS settings (caFile, certFile, keyFile, insecureSkipVerify) need an https:// address',
    );
  }
}

/**
 * Reads the TLS files (a ConfigError if unreadable) and checks them: PEM, and
 * a key that belongs to the certificate (an IRB_CONFIG_TLS error naming the
 * file otherwise). `undefined` when no TLS setting is given.
 */
export async function loadTls(s: TlsSettings, configDir: string): Promise<TlsMaterial | undefined> {
  if (!wantsTls(s)) return undefined;
  const ca = await readConfigFile('caFile', s.caFile, configDir);
  const cert = await readConfigFile('certFile', s.certFile, configDir);
  const key = await readConfigFile('keyFile', s.keyFile, configDir);
  const input = (name: string, file: string | undefined, data: Buffer | undefined): PemInput | undefined =>
    file === undefined || data === undefined
      ? undefined
      : { key: name, path: resolve(configDir, file), data };
  const problem = keyMaterialProblem({
    ca: input('caFile', s.caFile, ca),
    cert: input('certFile', s.certFile, cert),
    key: input('keyFile', s.keyFile, key),
  });
  if (problem !== undefined) {
    throw new BridgeError('IRB_CONFIG_TLS', `registry TLS settings: ${problem}; the files must be PEM`);
  }
  return { ca, cert, key, rejectUnauthorized: !s.insecureSkipVerify };
}

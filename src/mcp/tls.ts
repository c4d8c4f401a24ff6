import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ServerCredentials } from '@grpc/grpc-js';
import { BridgeError, errorMessage } from '../errors.js';

export interface XdsTlsSettings {
  readonly certFile: string;
  readonly keyFile: string;
  readonly clientCaFile?: string | undefined;
}

/**
 * Credentials for the xDS port: plaintext without settings, TLS with a
 * certificate and key, mutual TLS when a client CA is given. Files are read
 * once at start (relative to the config file); restart to rotate them.
 */
export function xdsServerCredentials(tls: XdsTlsSettings | undefined, configDir: string): ServerCredentials {
  if (!tls) return ServerCredentials.createInsecure();
  const read = (key: string, path: string): Buffer => {
    try {
      return readFileSync(resolve(configDir, path));
    } catch (err) {
      throw new BridgeError(
        'IRB_XDS_TLS',
        `cannot read xds.tls.${key} ${path}: ${errorMessage(err)}; check the path (relative to the config file)`,
      );
    }
  };
  const cert = read('certFile', tls.certFile);
  const key = read('keyFile', tls.keyFile);
  const ca = tls.clientCaFile === undefined ? null : read('clientCaFile', tls.clientCaFile);
  try {
    return ServerCredentials.createSsl(ca, [{ cert_chain: cert, private_key: key }], ca !== null);
  } catch (err) {
    throw new BridgeError('IRB_XDS_TLS', `xds.tls: ${errorMessage(err)}; certFile and keyFile must be PEM`);
  }
}

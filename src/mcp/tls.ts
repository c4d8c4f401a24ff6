import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { resolve } from 'node:path';
import { experimental, ServerCredentials } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { BridgeError, errorMessage } from '../errors.js';
import { keyMaterialProblem, type PemInput } from '../util/pem.js';

export interface XdsTlsSettings {
  readonly certFile: string;
  readonly keyFile: string;
  readonly clientCaFile?: string | undefined;
}

/** The credentials of the xDS port, and the file watch that swaps their material. */
export interface XdsTls {
  readonly credentials: ServerCredentials;
  /** Stops watching the files. */
  stop(): void;
}

interface Material {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca: Buffer | undefined;
}

type IdentityListener = experimental.IdentityCertificateUpdateListener;
type CaListener = experimental.CaCertificateUpdateListener;

/**
 * Hands grpc-js the current key material, and new material when it is
 * swapped. Listeners hear the current material on the next microtask, after
 * grpc-js has set up the listening socket's watcher.
 */
class MaterialProvider implements experimental.CertificateProvider {
  private readonly identity = new Set<IdentityListener>();
  private readonly cas = new Set<CaListener>();

  constructor(private material: Material) {}

  set(material: Material): void {
    this.material = material;
    for (const l of this.cas) this.sendCa(l);
    for (const l of this.identity) this.sendIdentity(l);
  }

  addCaCertificateListener(l: CaListener): void {
    this.cas.add(l);
    queueMicrotask(() => this.cas.has(l) && this.sendCa(l));
  }
  removeCaCertificateListener(l: CaListener): void {
    this.cas.delete(l);
  }
  addIdentityCertificateListener(l: IdentityListener): void {
    this.identity.add(l);
    queueMicrotask(() => this.identity.has(l) && this.sendIdentity(l));
  }
  removeIdentityCertificateListener(l: IdentityListener): void {
    this.identity.delete(l);
  }

  private sendCa(l: CaListener): void {
    l(this.material.ca ? { caCertificate: this.material.ca } : null);
  }
  private sendIdentity(l: IdentityListener): void {
    l({ certificate: this.material.cert, privateKey: this.material.key });
  }
}

/** Reads and checks the files; throws a message naming the bad one. */
function readMaterial(tls: XdsTlsSettings, configDir: string): Material {
  const read = (key: string, path: string): PemInput => {
    const full = resolve(configDir, path);
    try {
      return { key: `xds.tls.${key}`, path: full, data: readFileSync(full) };
    } catch (err) {
      throw new Error(
        `cannot read xds.tls.${key} ${path}: ${errorMessage(err)}; check the path (relative to the config file)`,
        { cause: err },
      );
    }
  };
  const cert = read('certFile', tls.certFile);
  const key = read('keyFile', tls.keyFile);
  const ca = tls.clientCaFile === undefined ? undefined : read('clientCaFile', tls.clientCaFile);
  const problem = keyMaterialProblem({ cert, key, ca });
  if (problem !== undefined) throw new Error(`${problem}; certFile, keyFile and clientCaFile must be PEM`);
  return { cert: cert.data, key: key.data, ca: ca?.data };
}

/**
 * Credentials for the xDS port: plaintext without settings, TLS with a
 * certificate and key, mutual TLS when a client CA is given. The files are
 * checked at start (relative to the config file): a file that is not PEM, or
 * a key that does not match the certificate, is an IRB_XDS_TLS error naming
 * it. With `watch`, the files are polled every `pollMs`; new material that
 * passes the same checks replaces the old for new connections, and new
 * material that does not is logged while the old stays in use.
 */
export function loadXdsTls(
  tls: XdsTlsSettings | undefined,
  configDir: string,
  watch?: { readonly logger: Logger; readonly pollMs: number },
): XdsTls {
  if (!tls) return { credentials: ServerCredentials.createInsecure(), stop: () => undefined };
  let material: Material;
  try {
    material = readMaterial(tls, configDir);
  } catch (err) {
    throw new BridgeError('IRB_XDS_TLS', errorMessage(err));
  }
  const provider = new MaterialProvider(material);
  const credentials = experimental.createCertificateProviderServerCredentials(
    provider,
    tls.clientCaFile === undefined ? null : provider,
    tls.clientCaFile !== undefined,
  );
  if (!watch) return { credentials, stop: () => undefined };
  const paths = [tls.certFile, tls.keyFile, tls.clientCaFile]
    .filter((p): p is string => p !== undefined)
    .map((p) => resolve(configDir, p));
  const onChange = (): void => {
    try {
      provider.set(readMaterial(tls, configDir));
      watch.logger.info({ files: paths }, 'xDS TLS material reloaded; new connections use it');
    } catch (err) {
      watch.logger.error(
        { err: errorMessage(err) },
        'xDS TLS files changed but cannot be used; the previous certificate, key and CA stay in use',
      );
    }
  };
  for (const p of paths) watchFile(p, { interval: watch.pollMs, persistent: false }, onChange);
  return {
    credentials,
    stop: () => {
      for (const p of paths) unwatchFile(p, onChange);
    },
  };
}

/** The credentials of `loadXdsTls` without watching the files. */
export function xdsServerCredentials(tls: XdsTlsSettings | undefined, configDir: string): ServerCredentials {
  return loadXdsTls(tls, configDir).credentials;
}

/**
 * Checks TLS key material before it is used: every certificate file holds
 * PEM certificates, the key file a PEM private key, and the key belongs to
 * the certificate. Node's TLS accepts garbage silently in places (a CA file
 * that is not PEM trusts nothing, and every client is reset without a word),
 * so the bridge checks first and names the file.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';

/** One file of key material: `key` is the setting naming it (e.g. `xds.tls.certFile`). */
export interface PemInput {
  readonly key: string;
  readonly path: string;
  readonly data: Buffer;
}

export interface KeyMaterial {
  readonly cert?: PemInput | undefined;
  readonly key?: PemInput | undefined;
  readonly ca?: PemInput | undefined;
}

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

function where(f: PemInput): string {
  return `${f.key} (${f.path})`;
}

/** The certificates of a PEM bundle; throws a message naming the file when there are none or one is bad. */
function certificates(f: PemInput): X509Certificate[] {
  const blocks = f.data.toString('latin1').match(CERT_BLOCK) ?? [];
  if (blocks.length === 0) {
    throw new Error(`${where(f)} holds no PEM certificate (no -----BEGIN CERTIFICATE----- block)`);
  }
  return blocks.map((block, i) => {
    try {
      return new X509Certificate(block);
    } catch (err) {
      throw new Error(
        `${where(f)}: certificate ${i + 1} of ${blocks.length} cannot be parsed: ${(err as Error).message}`,
        { cause: err },
      );
    }
  });
}

/**
 * Undefined when the material is usable; otherwise one sentence naming the
 * file and what is wrong with it.
 */
export function keyMaterialProblem(m: KeyMaterial): string | undefined {
  try {
    const certs = m.cert ? certificates(m.cert) : [];
    if (m.ca) certificates(m.ca);
    if (m.key) {
      const k = m.key;
      if (!k.data.toString('latin1').includes('-----BEGIN')) {
        throw new Error(`${where(k)} is not a PEM private key (no -----BEGIN ... PRIVATE KEY----- block)`);
      }
      let keyObject;
      try {
        keyObject = createPrivateKey(k.data);
      } catch (err) {
        throw new Error(`${where(k)} cannot be parsed as a private key: ${(err as Error).message}`, {
          cause: err,
        });
      }
      const leaf = certs[0];
      if (leaf && m.cert && !leaf.checkPrivateKey(keyObject)) {
        throw new Error(`${where(k)} does not belong to the certificate in ${where(m.cert)}`);
      }
    }
    // What Node's TLS will do with it, in case anything else is wrong.
    createSecureContext({ cert: m.cert?.data, key: m.key?.data, ca: m.ca?.data });
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

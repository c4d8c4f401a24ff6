import { bytesField, stringField } from './wire.js';

/** The repeated `resources` fields of a SotW response, in name order, not yet copied together. */
export interface SotwBody {
  readonly parts: readonly Buffer[];
  readonly length: number;
}

const EMPTY_BODY: SotwBody = { parts: [], length: 0 };

/**
 * DiscoveryResponse bytes: version_info (1), the shared resources body
 * (repeated field 2, pre-framed), type_url (4), nonce (5). One allocation,
 * each resource's bytes copied once.
 */
export function sotwResponseBytes(
  versionInfo: string,
  body: SotwBody | undefined,
  typeUrl: string,
  nonce: string,
): Buffer {
  body ??= EMPTY_BODY;
  const head = stringField(1, versionInfo);
  const tail = Buffer.concat([stringField(4, typeUrl), stringField(5, nonce)]);
  const out = Buffer.allocUnsafe(head.length + body.length + tail.length);
  let off = head.copy(out, 0);
  for (const part of body.parts) off += part.copy(out, off);
  tail.copy(out, off);
  return out;
}

/**
 * DeltaDiscoveryResponse bytes: system_version_info (1), resources (2, each an
 * envoy Resource message), type_url (4), nonce (5), removed_resources (6).
 */
export function deltaResponseBytes(
  systemVersion: string,
  resources: readonly Buffer[],
  typeUrl: string,
  nonce: string,
  removed: readonly string[],
): Buffer {
  const parts: Buffer[] = [stringField(1, systemVersion)];
  for (const r of resources) parts.push(bytesField(2, r));
  parts.push(stringField(4, typeUrl), stringField(5, nonce));
  for (const name of removed) parts.push(bytesField(6, Buffer.from(name, 'utf8')));
  return Buffer.concat(parts);
}

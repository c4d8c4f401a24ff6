import { bytesField, stringField } from './wire.js';

/**
 * DiscoveryResponse bytes: version_info (1), the shared resources body
 * (repeated field 2, pre-framed), type_url (4), nonce (5).
 */
export function sotwResponseBytes(versionInfo: string, body: Buffer, typeUrl: string, nonce: string): Buffer {
  return Buffer.concat([stringField(1, versionInfo), body, stringField(4, typeUrl), stringField(5, nonce)]);
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

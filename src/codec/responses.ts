import { PartsMessage } from './parts-message.js';
import { bytesField, fieldHead, stringField } from './wire.js';

/**
 * The repeated `resources` fields of a SotW response, in name order: one per
 * kind version, shared by every client's response (never copied together).
 */
export class SotwBody {
  constructor(
    readonly parts: readonly Buffer[],
    readonly length: number,
  ) {}
}

const EMPTY_BODY = new SotwBody([], 0);

/**
 * DiscoveryResponse: version_info (1), the shared resources body (repeated
 * field 2, pre-framed), type_url (4), nonce (5), as parts around the body
 * every client shares: nothing response-sized is built per response.
 */
export function sotwResponse(
  versionInfo: string,
  body: SotwBody | undefined,
  typeUrl: string,
  nonce: string,
): PartsMessage {
  body ??= EMPTY_BODY;
  return new PartsMessage([
    stringField(1, versionInfo),
    ...body.parts,
    stringField(4, typeUrl),
    stringField(5, nonce),
  ]);
}

/** The same response in one Buffer. */
export function sotwResponseBytes(
  versionInfo: string,
  body: SotwBody | undefined,
  typeUrl: string,
  nonce: string,
): Buffer {
  return sotwResponse(versionInfo, body, typeUrl, nonce).toBuffer();
}

/**
 * DeltaDiscoveryResponse: system_version_info (1), resources (2, each an
 * envoy Resource message), type_url (4), nonce (5), removed_resources (6), as
 * parts (see `sotwResponse`).
 */
export function deltaResponse(
  systemVersion: string,
  resources: readonly Buffer[],
  typeUrl: string,
  nonce: string,
  removed: readonly string[],
): PartsMessage {
  const parts: Buffer[] = [stringField(1, systemVersion)];
  for (const r of resources) parts.push(fieldHead(2, r.length), r);
  parts.push(stringField(4, typeUrl), stringField(5, nonce));
  for (const name of removed) parts.push(bytesField(6, Buffer.from(name, 'utf8')));
  return new PartsMessage(parts);
}

/** The same response in one Buffer. */
export function deltaResponseBytes(
  systemVersion: string,
  resources: readonly Buffer[],
  typeUrl: string,
  nonce: string,
  removed: readonly string[],
): Buffer {
  return deltaResponse(systemVersion, resources, typeUrl, nonce, removed).toBuffer();
}

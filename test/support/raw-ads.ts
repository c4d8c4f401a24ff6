/**
 * ADS streams that hand back each response exactly as the server framed it
 * (the bytes on the wire, not a decoded object), for byte-for-byte
 * comparisons between two servers. One call asks for every type URL given,
 * as istiod does on connect, and returns the first response for each.
 */
import { Client, credentials } from '@grpc/grpc-js';
import { protoTypes } from '../../src/codec/proto.js';
import {
  AdsStream,
  istiodLikeNode,
  type DeltaDiscoveryRequestObj,
  type DiscoveryRequestObj,
} from '../../src/mcp/client.js';
import { DELTA_PATH, SOTW_PATH } from '../../src/mcp/service-def.js';
import { wireFields } from './wire-fields.js';

/** The type URL (field 4 of both DiscoveryResponse and DeltaDiscoveryResponse) of a raw response. */
function typeUrlOf(raw: Buffer): string {
  const f = wireFields(raw).find((w) => w.field === 4);
  if (f === undefined) return '';
  // tag (1 byte for field 4) + length varint + the string
  let at = 1;
  while ((f.bytes[at]! & 0x80) !== 0) at++;
  return f.bytes.subarray(at + 1).toString('utf8');
}

function openRaw<Req extends object>(address: string, delta: boolean): AdsStream<Req, Buffer> {
  const t = protoTypes();
  const reqType = delta ? t.DeltaDiscoveryRequest : t.DiscoveryRequest;
  const client = new Client(address, credentials.createInsecure(), { 'grpc.max_receive_message_length': -1 });
  const call = client.makeBidiStreamRequest<Req, Buffer>(
    delta ? DELTA_PATH : SOTW_PATH,
    (req: Req) => Buffer.from(reqType.encode(reqType.fromObject(req)).finish()),
    (bytes: Buffer) => bytes,
  );
  return new AdsStream(client, call);
}

async function firstResponses(
  stream: AdsStream<object, Buffer>,
  typeUrls: readonly string[],
  timeoutMs: number,
): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const end = Date.now() + timeoutMs;
  try {
    while (out.size < typeUrls.length) {
      const raw = await stream.next(Math.max(1, end - Date.now()));
      const url = typeUrlOf(raw);
      if (typeUrls.includes(url) && !out.has(url)) out.set(url, raw);
    }
  } finally {
    stream.close();
  }
  return out;
}

/** Opens a SotW stream to `address`, subscribes to each of `typeUrls` (wildcard) and returns each first response's bytes. */
export function sotwSnapshot(
  address: string,
  typeUrls: readonly string[],
  timeoutMs = 10_000,
): Promise<Map<string, Buffer>> {
  const stream = openRaw<DiscoveryRequestObj>(address, false);
  for (const typeUrl of typeUrls) stream.send({ node: istiodLikeNode(), typeUrl });
  return firstResponses(stream as AdsStream<object, Buffer>, typeUrls, timeoutMs);
}

/** Opens a Delta stream to `address`, subscribes to each of `typeUrls` (wildcard) and returns each first response's bytes. */
export function deltaSnapshot(
  address: string,
  typeUrls: readonly string[],
  timeoutMs = 10_000,
): Promise<Map<string, Buffer>> {
  const stream = openRaw<DeltaDiscoveryRequestObj>(address, true);
  for (const typeUrl of typeUrls) stream.send({ node: istiodLikeNode(), typeUrl });
  return firstResponses(stream as AdsStream<object, Buffer>, typeUrls, timeoutMs);
}

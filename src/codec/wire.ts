/**
 * Just enough of the protobuf wire format to frame responses around resource
 * bytes that were encoded once and are shared by every client.
 */

function varintLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

function writeVarint(buf: Buffer, offset: number, n: number): number {
  while (n >= 0x80) {
    buf[offset++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[offset++] = n;
  return offset;
}

/**
 * A length-delimited field (wire type 2): tag, length, bytes. `longLived`
 * allocates outside Node's shared 8 KiB pool, so a kept buffer never pins a
 * pool slab full of garbage.
 */
export function bytesField(fieldNumber: number, payload: Uint8Array, longLived = false): Buffer {
  const tag = (fieldNumber << 3) | 2;
  const size = varintLength(tag) + varintLength(payload.length) + payload.length;
  const out = longLived ? Buffer.allocUnsafeSlow(size) : Buffer.allocUnsafe(size);
  let off = writeVarint(out, 0, tag);
  off = writeVarint(out, off, payload.length);
  out.set(payload, off);
  return out;
}

/** The tag and length of a length-delimited field, to be followed by `length` bytes kept elsewhere. */
export function fieldHead(fieldNumber: number, length: number): Buffer {
  const tag = (fieldNumber << 3) | 2;
  const out = Buffer.allocUnsafe(varintLength(tag) + varintLength(length));
  writeVarint(out, writeVarint(out, 0, tag), length);
  return out;
}

/** A string field; empty strings are omitted, as proto3 does. */
export function stringField(fieldNumber: number, value: string): Buffer {
  if (value === '') return Buffer.alloc(0);
  return bytesField(fieldNumber, Buffer.from(value, 'utf8'));
}

/** Encodes google.protobuf.Any{type_url, value}. */
export function encodeAny(typeUrl: string, value: Uint8Array): Buffer {
  return Buffer.concat([stringField(1, typeUrl), bytesField(2, value)]);
}

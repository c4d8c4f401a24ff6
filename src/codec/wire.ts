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

/**
 * A length-delimited field holding google.protobuf.Any{type_url, value},
 * written into one long-lived allocation (see `bytesField`); `anyOffset` is
 * where the Any starts inside `field`. An empty type URL is left out, the
 * value is always written.
 */
export function anyField(
  fieldNumber: number,
  typeUrl: string,
  value: Uint8Array,
): { field: Buffer; anyOffset: number } {
  const url = Buffer.from(typeUrl, 'utf8');
  const anySize =
    (url.length > 0 ? 1 + varintLength(url.length) + url.length : 0) +
    1 +
    varintLength(value.length) +
    value.length;
  const tag = (fieldNumber << 3) | 2;
  const anyOffset = varintLength(tag) + varintLength(anySize);
  const field = Buffer.allocUnsafeSlow(anyOffset + anySize);
  let off = writeVarint(field, writeVarint(field, 0, tag), anySize);
  if (url.length > 0) {
    off = writeVarint(field, writeVarint(field, off, (1 << 3) | 2), url.length);
    off += url.copy(field, off);
  }
  off = writeVarint(field, writeVarint(field, off, (2 << 3) | 2), value.length);
  field.set(value, off);
  return { field, anyOffset };
}

/**
 * The top-level fields of a protobuf message as raw bytes, in wire order, so
 * that tests can compare two encoded messages byte for byte while leaving out
 * a field that is meant to differ (a response nonce).
 */

/** One top-level field: its number and its complete encoding (tag included). */
export interface WireField {
  readonly field: number;
  readonly bytes: Buffer;
}

function readVarint(buf: Buffer, at: number): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let i = at; i < buf.length; i++) {
    const b = buf[i]!;
    value += (b & 0x7f) * scale;
    scale *= 128;
    if ((b & 0x80) === 0) return { value, next: i + 1 };
  }
  throw new Error(`truncated varint at offset ${at}`);
}

/** Splits `msg` into its top-level fields (wire types 0, 1, 2 and 5). */
export function wireFields(msg: Buffer): WireField[] {
  const out: WireField[] = [];
  let at = 0;
  while (at < msg.length) {
    const start = at;
    const tag = readVarint(msg, at);
    at = tag.next;
    const wireType = tag.value % 8;
    if (wireType === 0) at = readVarint(msg, at).next;
    else if (wireType === 1) at += 8;
    else if (wireType === 5) at += 4;
    else if (wireType === 2) {
      const len = readVarint(msg, at);
      at = len.next + len.value;
    } else throw new Error(`unsupported wire type ${wireType} at offset ${start}`);
    if (at > msg.length) throw new Error(`field at offset ${start} runs past the end`);
    out.push({ field: Math.floor(tag.value / 8), bytes: msg.subarray(start, at) });
  }
  return out;
}

/** `msg` re-assembled from its own bytes without the top-level fields numbered `drop`. */
export function withoutFields(msg: Buffer, ...drop: number[]): Buffer {
  return Buffer.concat(
    wireFields(msg)
      .filter((f) => !drop.includes(f.field))
      .map((f) => f.bytes),
  );
}

/**
 * What happens to one xDS request, told apart precisely enough for "this
 * client is refused" checks: an answer, a connection the server refused
 * (gRPC UNAVAILABLE before any stream existed), or anything else — a read
 * timeout above all, which says nothing about refusal.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { status } from '@grpc/grpc-js';
import { openSotw, type ClientTls } from '../../src/mcp/client.js';

export type RequestOutcome =
  | { readonly kind: 'answered' }
  | {
      readonly kind: 'error';
      readonly code: number | undefined;
      readonly details: string;
      readonly ms: number;
    };

/** Sends one SotW request for `typeUrl` and reports what came back within `timeoutMs`. */
export async function requestOutcome(
  address: string,
  typeUrl: string,
  tls?: ClientTls,
  timeoutMs = 15_000,
): Promise<RequestOutcome> {
  const s = openSotw(address, tls);
  const started = performance.now();
  try {
    s.send({ typeUrl, responseNonce: 'x' });
    await s.next(timeoutMs);
    return { kind: 'answered' };
  } catch (err) {
    const e = err as { code?: unknown; details?: unknown; message?: unknown };
    return {
      kind: 'error',
      code: typeof e.code === 'number' ? e.code : undefined,
      details: typeof e.details === 'string' ? e.details : String(e.message),
      ms: Math.round(performance.now() - started),
    };
  } finally {
    s.close();
  }
}

/** True if something accepts TCP connections on `address` (host:port). */
export function acceptsTcp(address: string): Promise<boolean> {
  const i = address.lastIndexOf(':');
  return new Promise((resolve) => {
    const sock = connect(Number(address.slice(i + 1)), address.slice(0, i));
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

/**
 * Asserts that a request is refused while the connection is set up: the port
 * accepts TCP, yet the call fails with UNAVAILABLE "No connection
 * established" and a reason matching `reason`, well before the read timeout.
 * A timeout, an answer or any other status fails.
 */
export async function assertRefused(
  address: string,
  typeUrl: string,
  tls: ClientTls | undefined,
  reason: RegExp,
  timeoutMs = 15_000,
): Promise<void> {
  assert.equal(await acceptsTcp(address), true, `${address} accepts TCP connections`);
  const got = await requestOutcome(address, typeUrl, tls, timeoutMs);
  assert.equal(got.kind, 'error', 'the request must not be answered');
  if (got.kind !== 'error') return;
  assert.equal(got.code, status.UNAVAILABLE, `refused with UNAVAILABLE, got: ${got.details}`);
  assert.match(got.details, /No connection established/);
  assert.match(got.details, reason);
  assert.ok(got.ms < timeoutMs / 3, `refused after ${got.ms} ms: that is a timeout, not a refusal`);
}

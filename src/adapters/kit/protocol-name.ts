/** Kit: a setting naming a protocol Istio knows (e.g. an adapter's `protocolDefault`). */
import { z } from 'zod';
import { istioProtocol } from '../../convert/protocol.js';

/** A protocol name Istio knows (http, http2, grpc, tcp, tls, ...), trimmed and lower-cased. */
export const istioProtocolName = z
  .string()
  .refine(
    (p) => istioProtocol(p) !== undefined,
    'not a protocol Istio knows (http, http2, grpc, tcp, tls, ...)',
  )
  .transform((p) => p.trim().toLowerCase());

import type { ServiceDefinition } from '@grpc/grpc-js';
import type protobuf from 'protobufjs';
import { protoTypes } from '../codec/proto.js';
import { PartsMessage } from '../codec/parts-message.js';

export const ADS_SERVICE = 'envoy.service.discovery.v3.AggregatedDiscoveryService';
export const SOTW_PATH = `/${ADS_SERVICE}/StreamAggregatedResources`;
export const DELTA_PATH = `/${ADS_SERVICE}/DeltaAggregatedResources`;

/** Decoded request messages, as protobufjs gives them (camelCase fields). */
export interface NodeMsg {
  id?: string;
  cluster?: string;
  metadata?: { fields?: Record<string, { stringValue?: string }> };
}
export interface StatusMsg {
  code?: number;
  message?: string;
}
export interface DiscoveryRequestMsg {
  versionInfo: string;
  node?: NodeMsg | null;
  resourceNames: string[];
  typeUrl: string;
  responseNonce: string;
  errorDetail?: StatusMsg | null;
}
export interface DeltaDiscoveryRequestMsg {
  node?: NodeMsg | null;
  typeUrl: string;
  resourceNamesSubscribe: string[];
  resourceNamesUnsubscribe: string[];
  initialResourceVersions: Record<string, string>;
  responseNonce: string;
  errorDetail?: StatusMsg | null;
}

function codec<T>(type: protobuf.Type) {
  return {
    // Ready-made responses pass through: a Buffer as it is, a PartsMessage as the
    // Buffer-like grpc-js copies into its frame (see codec/parts-message.ts).
    serialize: (value: T | Buffer | PartsMessage): Buffer =>
      Buffer.isBuffer(value)
        ? value
        : value instanceof PartsMessage
          ? (value as unknown as Buffer)
          : Buffer.from(type.encode(type.fromObject(value as object)).finish()),
    deserialize: (bytes: Buffer): T => type.decode(bytes) as unknown as T,
  };
}

/**
 * The ADS service for grpc-js. Responses are passed ready-made (bytes, or a
 * PartsMessage around the store's shared resource bytes); requests are decoded.
 */
export function adsServiceDefinition(): ServiceDefinition {
  const t = protoTypes();
  const sotwReq = codec<DiscoveryRequestMsg>(t.DiscoveryRequest);
  const sotwRes = codec<unknown>(t.DiscoveryResponse);
  const deltaReq = codec<DeltaDiscoveryRequestMsg>(t.DeltaDiscoveryRequest);
  const deltaRes = codec<unknown>(t.DeltaDiscoveryResponse);
  return {
    StreamAggregatedResources: {
      path: SOTW_PATH,
      requestStream: true,
      responseStream: true,
      requestSerialize: sotwReq.serialize,
      requestDeserialize: sotwReq.deserialize,
      responseSerialize: sotwRes.serialize,
      responseDeserialize: sotwRes.deserialize,
    },
    DeltaAggregatedResources: {
      path: DELTA_PATH,
      requestStream: true,
      responseStream: true,
      requestSerialize: deltaReq.serialize,
      requestDeserialize: deltaReq.deserialize,
      responseSerialize: deltaRes.serialize,
      responseDeserialize: deltaRes.deserialize,
    },
  };
}

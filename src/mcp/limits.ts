/**
 * What one client can make the xDS server hold or do. Every value a client
 * sends is bounded by one of these: the message size bounds a request, the
 * name limits bound what a stream remembers, the stream limits bound how many
 * streams there are. The defaults leave room for istiod (one stream per
 * replica, about 16 type URLs, no resource names) many times over.
 */
export interface XdsLimits {
  /** Largest request message accepted (grpc-js rejects larger ones with RESOURCE_EXHAUSTED). */
  readonly maxMessageBytes: number;
  /** Streams open at once, all clients together. */
  readonly maxStreams: number;
  /** Streams open at once from one peer IP address. */
  readonly maxStreamsPerPeer: number;
  /** Resource names in one request (subscribe + unsubscribe + initial versions + SotW names). */
  readonly maxNamesPerRequest: number;
  /** Resource names one Delta stream may hold subscribed or announced, all type URLs together. */
  readonly maxNamesPerStream: number;
}

export const DEFAULT_XDS_LIMITS: XdsLimits = {
  // istiod's requests are a few kB; 1 MiB still holds 20,000 names of 50 characters.
  maxMessageBytes: 1024 * 1024,
  maxStreams: 512,
  maxStreamsPerPeer: 64,
  maxNamesPerRequest: 20_000,
  maxNamesPerStream: 100_000,
};

/** Longest resource name accepted: a Kubernetes namespace (63) + '/' + name (253), with room. */
export const MAX_NAME_LENGTH = 512;
/** Longest type URL accepted (real ones are under 100 characters). */
export const MAX_TYPE_URL_LENGTH = 256;
/** Node id characters kept per stream (shown in logs and /debug/clients). */
export const MAX_NODE_ID_LENGTH = 256;
/** Characters of a NACK's error message kept and logged. */
export const MAX_NACK_MESSAGE_LENGTH = 512;
/** Longest version string kept from a client's initial_resource_versions (ours are 32 hex digits). */
export const MAX_CLIENT_VERSION_LENGTH = 128;
/** At most one log line per client and kind of event (NACK, rejected request) in this window. */
export const CLIENT_LOG_INTERVAL_MS = 10_000;

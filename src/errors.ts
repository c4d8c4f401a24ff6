/**
 * Typed errors with stable codes. Match on `code`, not on the message; the
 * message says what to do.
 */
export type ErrorCode =
  | 'IRB_CONFIG_INVALID'
  | 'IRB_CONFIG_UNREADABLE'
  | 'IRB_CONFIG_TLS'
  | 'IRB_FILE_REGISTRY_INVALID'
  | 'IRB_REGISTRY_UNREACHABLE'
  | 'IRB_REGISTRY_AUTH'
  | 'IRB_BAD_REGISTRY_INPUT'
  | 'IRB_XDS_BAD_REQUEST'
  | 'IRB_XDS_LISTEN'
  | 'IRB_XDS_TLS'
  | 'IRB_ADMIN_LISTEN'
  | 'IRB_WATCH_FAILED'
  | 'IRB_OUTPUT_FAILED'
  | 'IRB_CONSUL_UNKNOWN_DATACENTER'
  | 'IRB_CONSUL_BAD_REQUEST'
  | 'IRB_CONSUL_BAD_RESPONSE'
  | 'IRB_EUREKA_BAD_RESPONSE';

export class BridgeError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'BridgeError';
  }
}

export class ConfigError extends BridgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('IRB_CONFIG_INVALID', message, options);
    this.name = 'ConfigError';
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

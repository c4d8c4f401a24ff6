import { BridgeError, errorMessage, type ErrorCode } from '../../errors.js';

/** ZooKeeper's own error codes (KeeperException.Code) that change what the adapter does. */
export const ZK_CODES = {
  CONNECTION_LOSS: -4,
  OPERATION_TIMEOUT: -7,
  NO_NODE: -101,
  NO_AUTH: -102,
  SESSION_EXPIRED: -112,
  AUTH_FAILED: -115,
} as const;

/**
 * A failed ZooKeeper request or connection. `code` is the bridge's stable
 * code (IRB_REGISTRY_UNREACHABLE or IRB_REGISTRY_AUTH); `zkCode` the
 * ZooKeeper error code when the server (or client library) gave one.
 */
export class ZkError extends BridgeError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly zkCode: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = 'ZkError';
  }
}

/** The ZooKeeper error code carried by a node-zookeeper-client error, if any. */
export function zkCodeOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

export function isNoNode(err: unknown): boolean {
  return zkCodeOf(err) === ZK_CODES.NO_NODE;
}

/** Whether the error only means "not connected right now" (the next session resyncs everything). */
export function isConnectionError(err: unknown): boolean {
  if (err instanceof ZkError) return err.code === 'IRB_REGISTRY_UNREACHABLE';
  const code = zkCodeOf(err);
  return (
    code === ZK_CODES.CONNECTION_LOSS ||
    code === ZK_CODES.SESSION_EXPIRED ||
    code === ZK_CODES.OPERATION_TIMEOUT
  );
}

/** Wraps a client error as a ZkError naming the request and the servers. */
export function toZkError(err: unknown, what: string, servers: string): ZkError {
  if (err instanceof ZkError) return err;
  const zkCode = zkCodeOf(err);
  const auth = zkCode === ZK_CODES.NO_AUTH || zkCode === ZK_CODES.AUTH_FAILED;
  const hint = auth ? ' (check auth.file and the znode ACLs)' : '';
  return new ZkError(
    auth ? 'IRB_REGISTRY_AUTH' : 'IRB_REGISTRY_UNREACHABLE',
    `ZooKeeper ${servers}: ${what} failed: ${errorMessage(err)}${hint}`,
    zkCode,
    { cause: err },
  );
}

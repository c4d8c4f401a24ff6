import { BridgeError, errorMessage } from '../errors.js';
import { Output } from './output.js';

/**
 * The reader of stdout or stderr went away (`registry-bridge dump | head -1`):
 * it has all it wanted, so stop at once and quietly, with success, as
 * `set -o pipefail` scripts expect of a producer cut short on purpose.
 */
const readerGone = (): never => process.exit(0);

export const stdout = new Output(process.stdout, 'stdout', readerGone);
export const stderr = new Output(process.stderr, 'stderr', readerGone);

/** Ends the process with `code` once stdout and stderr have been written out. */
export async function exitWhenWritten(code: number): Promise<never> {
  let exitCode = code;
  try {
    await stdout.flushed();
  } catch (err) {
    stderr.write(errorLine(err));
    if (exitCode === 0) exitCode = 1;
  }
  // Nothing is left to report a stderr failure on.
  await stderr.flushed().catch(() => undefined);
  process.exit(exitCode);
}

/** Prints the error as one line and exits: 2 for a config error, 1 for anything else. */
export function exitWithError(err: unknown): Promise<never> {
  stderr.write(errorLine(err));
  return exitWhenWritten(err instanceof BridgeError && err.code.startsWith('IRB_CONFIG') ? 2 : 1);
}

function errorLine(err: unknown): string {
  const code = err instanceof BridgeError ? ` [${err.code}]` : '';
  return `registry-bridge: ${errorMessage(err)}${code}\n`;
}

import { pino, type DestinationStream, type Logger } from 'pino';
import { createRequire } from 'node:module';
import type { prettyFactory as PrettyFactory } from 'pino-pretty';

/** `json`: one JSON object a line, for collectors. `pretty`: readable lines, for people. */
export type LogFormat = 'json' | 'pretty';

export const LOG_FORMATS: readonly LogFormat[] = ['json', 'pretty'];

/** Pretty for a person at a terminal; JSON for a pipe, a file or a log collector. */
export function defaultLogFormat(stderrIsTty: boolean): LogFormat {
  return stderrIsTty ? 'pretty' : 'json';
}

export interface LoggerOptions {
  readonly format?: LogFormat;
  /** With `pretty`: ANSI colours. */
  readonly colors?: boolean;
  /** Where lines go; stderr (synchronously) unless given. */
  readonly sink?: DestinationStream;
}

/** Logs on stderr, so stdout stays clean for `dump` and `watch` output. JSON unless told otherwise. */
export function createLogger(level: string, opts: LoggerOptions = {}): Logger {
  const sink = opts.sink ?? pino.destination({ fd: 2, sync: true });
  return pino(
    {
      level,
      base: { app: 'registry-bridge' },
      // Applied before formatting, so pretty lines are redacted too.
      redact: { paths: ['token', '*.token', 'headers["x-consul-token"]'], censor: '[redacted]' },
    },
    opts.format === 'pretty' ? prettyLines(sink, opts.colors ?? false) : sink,
  );
}

/**
 * pino-pretty's formatter applied line by line on the caller's thread, not its
 * transport stream: a line is written before the next statement runs, so
 * none is lost when the process exits right after logging.
 */
function prettyLines(sink: DestinationStream, colorize: boolean): DestinationStream {
  // Loaded only when pretty logs are asked for: JSON-only processes never load it.
  const { prettyFactory } = createRequire(import.meta.url)('pino-pretty') as {
    prettyFactory: typeof PrettyFactory;
  };
  const prettify = prettyFactory({
    colorize,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,app',
    singleLine: true,
  });
  return { write: (line: string) => sink.write(prettify(line)) };
}

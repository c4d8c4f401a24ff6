import { isatty } from 'node:tty';
import { Option } from 'commander';
import type { Logger } from 'pino';
import { createLogger, defaultLogFormat, LOG_FORMATS, type LogFormat } from '../log.js';

export const logFormatOption = (): Option =>
  new Option(
    '--log-format <format>',
    'log lines as json, or pretty for reading (default: pretty at a terminal, else json)',
  ).choices(LOG_FORMATS);

/** A command's logger on stderr: `format` if given, else pretty at a terminal and JSON elsewhere. */
export function cliLogger(level: string, format: LogFormat | undefined): Logger {
  const terminal = isatty(2);
  return createLogger(level, {
    format: format ?? defaultLogFormat(terminal),
    colors: terminal && process.env['NO_COLOR'] === undefined,
  });
}

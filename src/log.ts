import { pino, type Logger } from 'pino';

/** JSON logs on stderr, so stdout stays clean for `dump` and `watch` output. */
export function createLogger(level: string): Logger {
  return pino(
    {
      level,
      base: { app: 'registry-bridge' },
      redact: { paths: ['token', '*.token', 'headers["x-consul-token"]'], censor: '[redacted]' },
    },
    pino.destination(2),
  );
}

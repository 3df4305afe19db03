// The gateway's pino logger, the same for the headless CLI and the desktop app: JSON lines, with
// the headers and fields that carry keys redacted by path at every level. Never logs a secret.
import pino, { type DestinationStream, type Logger } from 'pino';

export const LOG_REDACT_PATHS = [
  'req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers["x-goog-api-key"]', 'headers.authorization',
  '*.apiKey', '*.api_key', '*.masterKey', '*.master_key', '*.key', '*.value',
];

export interface LoggerOptions {
  level: string;
  destination: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino({ level: options.level, redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' } }, options.destination);
}

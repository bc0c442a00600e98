import { pino, type Logger, type LoggerOptions } from 'pino';

/**
 * Paths pino blanks out wherever they appear in a log line. Webhook signatures, tokens and
 * cookies arrive in headers; credentials may ride in URLs or config objects.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hub-signature-256"]',
  'req.headers["x-hub-signature"]',
  'req.headers["x-berth-share-token"]',
  'req.headers["x-berth-bypass"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.secret',
  '*.privateKey',
  '*.GITHUB_WEBHOOK_SECRET',
  '*.API_TOKEN',
  '*.GITHUB_APP_PRIVATE_KEY',
];

export function loggerOptions(service: string, level: string): LoggerOptions {
  return {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
}

/** JSON lines on stdout; one logger per process. */
export function createLogger(service: string, level: string): Logger {
  return pino(loggerOptions(service, level));
}

import pino from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface Logger {
  info(msg: string, data?: Record<string, unknown>): void;
  warn(msg: string, data?: Record<string, unknown>): void;
  error(msg: string, err?: unknown): void;
}

/** The service's logger, with the pino instance Fastify logs requests through (same level, redaction and stream). */
export interface AppLogger extends Logger {
  readonly pino: pino.Logger;
}

/** Anything that could carry a credential is censored even if a caller logs it by mistake. */
const REDACT = [
  'password', '*.password', '*.currentPassword', '*.newPassword',
  'token', '*.token', '*.accessToken', '*.refreshToken', 'apiToken', '*.apiToken', 'secret', '*.secret',
  'authorization', '*.authorization', 'headers.authorization', '*.headers.authorization', '*.*.headers.authorization',
  'headers.cookie', '*.headers.cookie', 'headers.dpop', '*.headers.dpop', 'cookie', '*.cookie',
  // graphql-ws's connection_init payload: { authorization: "Bearer …" } or { accessToken }, a session JWT or an API token.
  'connectionParams', '*.connectionParams', 'payload.authorization', '*.payload.authorization', 'payload.accessToken', '*.payload.accessToken',
  'variables', '*.variables',
];

/** Structured JSON lines (pino) on stderr; errors keep their stack for operators, never for clients. */
export function createLogger(level: LogLevel, destination: pino.DestinationStream = pino.destination(2)): AppLogger {
  const log = pino(
    { level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label) => ({ level: label }) }, redact: { paths: REDACT, censor: '[redacted]' } },
    destination,
  );
  return {
    pino: log,
    info: (msg, data) => log.info(data ?? {}, msg),
    warn: (msg, data) => log.warn(data ?? {}, msg),
    error: (msg, err) => log.error(err instanceof Error ? { err } : { detail: err }, msg),
  };
}

import { pino, type DestinationStream, type Logger } from 'pino';
import { safeError } from './log-safe-error.ts';

export type { Logger };

/**
 * JSON logs, safe by construction: secrets and customer text never appear, whatever a call site
 * passes. The redact list covers the fields that could carry them (message text, request bodies,
 * bound query parameters); errors, under `err`, `error` or as a cause, keep their type, code,
 * constraint and SQL text but never the values (src/observability/log-safe-error.ts). Code logs ids,
 * not content. `destination` is for tests that read what the service logged.
 */
export function createLogger(level: string, base: Record<string, unknown> = {}, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'kefu-hub', ...base },
    serializers: { err: safeError, error: safeError },
    redact: {
      paths: [
        'secret',
        'token',
        'accessToken',
        'access_token',
        'encodingAesKey',
        '*.secret',
        '*.token',
        '*.encodingAesKey',
        'text',
        '*.text',
        'body',
        '*.body',
        'content',
        '*.content',
        'params',
        '*.params',
        // Staff logins and sessions (src/staff/): what a request or a caller could carry.
        'password',
        '*.password',
        'passwordHash',
        '*.passwordHash',
        'csrfToken',
        '*.csrfToken',
        'authorization',
        '*.authorization',
        'cookie',
        '*.cookie',
        '*.headers.authorization',
        '*.headers.cookie',
        '*["set-cookie"]',
        '*.headers["set-cookie"]',
        '*["x-csrf-token"]',
        '*.headers["x-csrf-token"]',
        // The model's key saved in the console (src/settings/): the settings documents carry it.
        'apiKey',
        '*.apiKey',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

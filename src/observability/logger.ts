import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs. Secrets and message bodies never appear at info level: the redact list covers the
 * fields that could carry them, and code logs ids, not content.
 */
export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { service: 'kefu-hub', ...base },
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
        'body',
      ],
      censor: '[redacted]',
    },
  });
}

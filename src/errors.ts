/**
 * The few error classes of kefu-hub. Each has a stable `code` for logs and API clients and a
 * message meant for a human. The HTTP layer maps them to status codes in one place (src/http/errors.ts).
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 500,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A configuration value is missing or malformed: the process must not start. */
export class ConfigError extends AppError {
  constructor(message: string) {
    super('config_invalid', message, 500);
  }
}

/** A request we refuse: bad signature, undecryptable body, stale timestamp, … */
export class RejectedRequestError extends AppError {}

/**
 * Too many requests from one visitor or address, or a budget spent for now; the HTTP layer answers
 * 429 with Retry-After. `code` says which limit (rate_limited unless a budget names itself).
 */
export class RateLimitedError extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    code = 'rate_limited',
  ) {
    super(code, message, 429);
  }
}

/** Something we depend on (database, Redis) is not available: the caller should retry later. */
export class UnavailableError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('unavailable', message, 503);
    if (options?.cause) this.cause = options.cause;
  }
}

/**
 * An outbound send failed. `retryable` says whether trying again later can help (network, 5xx,
 * rate limit, platform busy) or not (no such recipient, blocked, outside the reply window).
 * `platformCode` is the platform's own error code (e.g. "wecom:81013") for records and metrics.
 */
export class DeliveryError extends AppError {
  constructor(
    readonly retryable: boolean,
    readonly platformCode: string,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(retryable ? 'delivery_transient' : 'delivery_permanent', message, 502);
  }
}

/**
 * The platform could not give the file of a MediaId (expired, unknown, unreachable). `platformCode`
 * is its own error code (e.g. "wechat-mp:40007"). The message keeps the MediaId; nothing waits on it.
 */
export class MediaUnavailableError extends AppError {
  constructor(
    readonly platformCode: string,
    message: string,
  ) {
    super('media_unavailable', message, 502);
  }
}

/** The caller is not signed in (no or an invalid session cookie or API token), or gave wrong credentials: 401. */
export class AuthenticationError extends AppError {
  constructor(message: string, code = 'unauthenticated') {
    super(code, message, 401);
  }
}

/** The caller is known but may not do this (their role, or a missing CSRF token): 403. */
export class PermissionError extends AppError {
  constructor(message: string, code = 'forbidden') {
    super(code, message, 403);
  }
}

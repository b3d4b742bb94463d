/**
 * Errors as they may appear in logs and in the queue's failed-job records: what happened and
 * where (type, message, SQL text, SQLSTATE code, constraint, stack), never the values involved.
 * Values are customer text: drizzle's DrizzleQueryError puts the bound parameters in its message
 * ("Failed query: … params: …") and in `params`; PGlite attaches `params` to its errors; a
 * PostgreSQL error's `detail` and `where` quote row values ("Key (x)=(…) already exists"), and some
 * of its messages end with the offending input after a colon ('invalid input syntax for type
 * json: "…"'). Only the fields below are kept, so a new field on some error is left out by default.
 */
const KEPT_FIELDS = [
  'code',
  'status',
  'constraint',
  'table',
  'column',
  'schema',
  'dataType',
  'severity',
  'routine',
  'platformCode',
  'retryable',
  'retryAfterMs',
  'retryAfterSeconds',
  // The statement as written in code (drizzle's DrizzleQueryError, PGlite): placeholders, not values.
  'query',
] as const;

const MAX_CAUSES = 5;

/** drizzle's "Failed query: <sql>\nparams: <values>" without the values. */
export function withoutQueryParams(text: string): string {
  const at = text.indexOf('\nparams:');
  return at === -1 ? text : `${text.slice(0, at)}\nparams: [not logged]`;
}

/** A PostgreSQL error (node-postgres or PGlite): a severity and a five-character SQLSTATE. */
function isPostgresError(err: Record<string, unknown>): boolean {
  return typeof err.severity === 'string' && typeof err.code === 'string' && /^[0-9A-Z]{5}$/.test(err.code);
}

function safeMessage(err: Error): string {
  const message = withoutQueryParams(String(err.message));
  // PostgreSQL puts the offending input after the last ": " ('… for type integer: "abc"').
  return isPostgresError(err as unknown as Record<string, unknown>) ? message.replace(/: [^:]*$/s, ': [not logged]') : message;
}

/**
 * Makes a thrown error safe where it will be kept outside the logs: BullMQ stores a failed job's
 * message and stack in Redis (the dead-letter view, Bull Board). Changed in place, so its class
 * and fields (a DeliveryError's retry hint) still steer the retry.
 */
export function scrubErrorInPlace(err: unknown): void {
  if (!(err instanceof Error)) return;
  const message = safeMessage(err);
  if (message === err.message) return;
  if (err.stack) err.stack = err.stack.replace(err.message, () => message);
  err.message = message;
}

export interface SafeError {
  type: string;
  message: string;
  stack?: string;
  cause?: SafeError | string;
  [field: string]: unknown;
}

/** An error (or the message string many call sites log) reduced to what is safe to log. */
export function safeError(err: unknown, depth = 0): SafeError | string {
  if (typeof err === 'string') return withoutQueryParams(err);
  if (!(err instanceof Error)) return typeof err === 'object' && err !== null ? '[non-error object]' : String(err);
  const message = safeMessage(err);
  const out: SafeError = { type: err.constructor?.name ?? err.name, message };
  // The stack starts with "<name>: <message>": the message in it is replaced by the safe one.
  if (err.stack) out.stack = err.stack.replace(err.message, () => message);
  const fields = err as unknown as Record<string, unknown>;
  for (const key of KEPT_FIELDS) {
    const value = fields[key];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = value;
  }
  if (err.cause !== undefined && depth < MAX_CAUSES) out.cause = safeError(err.cause, depth + 1);
  return out;
}

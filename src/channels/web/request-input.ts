import { z } from 'zod';
import { RejectedRequestError } from '../../errors.ts';

/**
 * The JSON body of a widget request: the API's one reader (src/http/json-input.ts), which refuses
 * NUL and lone surrogates for every field at once — the visitor's browser can be told, unlike a platform.
 */
export { readJsonBody as readJson } from '../../http/json-input.ts';

/** Validates widget input against its schema; the first problem is the 400's message. */
export function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new RejectedRequestError('bad_request', `${issue.path.join('.') || 'body'}: ${issue.message}`, 400);
  }
  return result.data;
}

/** The widget's own id of a message or upload: a retry carries the same one. */
export const clientId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'clientId: 8–64 letters, digits, - or _');

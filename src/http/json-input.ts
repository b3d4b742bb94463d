import type { Context } from 'koa';
import type { z } from 'zod';
import { holdsUnstorableText } from '../channels/shared/storable-text.ts';
import { RejectedRequestError } from '../errors.ts';
import { readBody } from './read-body.ts';

/**
 * The JSON body of an API request, read up to `maxBytes` (413 past it); an empty body is `{}`. A
 * string PostgreSQL cannot hold (a NUL, a lone surrogate: JSON escapes can spell both) is refused
 * here, for every field at once, rather than failing in the database as a 500.
 */
export async function readJsonBody(ctx: Context, maxBytes: number): Promise<unknown> {
  const raw = await readBody(ctx.req, maxBytes);
  let body: unknown;
  try {
    body = raw.trim() === '' ? {} : JSON.parse(raw);
  } catch {
    throw new RejectedRequestError('bad_json', 'the body is not JSON', 400);
  }
  if (holdsUnstorableText(body)) throw new RejectedRequestError('invalid_text', 'the body holds a NUL character or a lone surrogate', 400);
  return body;
}

/**
 * Validates input against its schema; the first problem, with where it is, is the 400's message.
 * Path and query strings are checked for text PostgreSQL cannot hold as bodies are (`%00` in a
 * query string would otherwise reach a statement and fail there as a 500).
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  if (holdsUnstorableText(value)) throw new RejectedRequestError('invalid_text', `${where} holds a NUL character or a lone surrogate`, 400);
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new RejectedRequestError('bad_request', `${[where, ...issue.path].join('.')}: ${issue.message}`, 400);
  }
  return result.data;
}

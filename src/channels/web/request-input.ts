import type { Context } from 'koa';
import { z } from 'zod';
import { RejectedRequestError } from '../../errors.ts';
import { readBody } from '../../http/read-body.ts';
import { holdsUnstorableText } from '../shared/storable-text.ts';

/**
 * The JSON body of a widget request, read up to `maxBytes` (413 past it); an empty body is `{}`.
 * A string the database cannot hold (a NUL, a lone surrogate: JSON escapes can spell both) is
 * refused here, for every field at once — the visitor's browser can be told, unlike a platform.
 */
export async function readJson(ctx: Context, maxBytes: number): Promise<unknown> {
  const raw = await readBody(ctx.req, maxBytes);
  let body: unknown;
  try {
    body = raw.trim() === '' ? {} : JSON.parse(raw);
  } catch {
    throw new RejectedRequestError('bad_json', 'the body is not JSON', 400);
  }
  if (holdsUnstorableText(body)) {
    throw new RejectedRequestError('invalid_text', 'the body holds a NUL character or a lone surrogate', 400);
  }
  return body;
}

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

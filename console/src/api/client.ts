import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

/** The session's CSRF token, from the login answer or GET /api/me (docs/console-accounts.md, "CSRF"). */
let csrfToken: string | undefined;

export function rememberCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Unsafe requests carry the session's token: the server refuses them without it. */
const sendCsrfToken: Middleware = {
  onRequest({ request }) {
    if (csrfToken && UNSAFE_METHODS.has(request.method)) request.headers.set('X-CSRF-Token', csrfToken);
    return request;
  },
};

/** The one client of the console API, typed from the server's OpenAPI document (scripts/console-api-types.ts). */
export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });
api.use(sendCsrfToken);

/** A refusal of the API: its HTTP status and the `{error, message}` the server answered (src/http/errors.ts). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The answer's data, or an ApiError: what TanStack Query's functions return and throw. */
export async function answerOf<T>(request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await request;
  if (!response.ok) {
    const body = (error ?? {}) as { error?: string; message?: string };
    throw new ApiError(response.status, body.error ?? 'http_error', body.message ?? response.statusText);
  }
  return data as T;
}

export type Schemas = import('./schema').components['schemas'];
export type Conversation = Schemas['Conversation'];
export type ConversationDetail = Schemas['ConversationDetail'];
export type ReplyWindow = Schemas['ReplyWindow'];
export type ConversationMessage = Schemas['ConversationMessage'];
export type QuickReply = Schemas['QuickReply'];
export type CustomerPanel = Schemas['CustomerPanel'];
export type KnowledgeHit = Schemas['KnowledgeHit'];
export type Me = Schemas['Me'];
export type StaffUser = Schemas['StaffUser'];
export type ConversationStatus = Conversation['status'];

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
export type ChannelAccount = Schemas['ChannelAccountOverview'];
export type ReplyWindow = Schemas['ReplyWindow'];
export type ConversationMessage = Schemas['ConversationMessage'];
export type QuickReply = Schemas['QuickReply'];
export type CustomerPanel = Schemas['CustomerPanel'];
export type KnowledgeHit = Schemas['KnowledgeHit'];
export type KnowledgeDocument = Schemas['KnowledgeDocument'];
export type KnowledgeChunk = Schemas['KnowledgeChunk'];
export type FaqEntry = Schemas['FaqEntry'];
export type FaqCheck = Schemas['FaqCheck'];
export type KnowledgeTrial = Schemas['KnowledgeTrial'];
export type Me = Schemas['Me'];
export type StaffUser = Schemas['StaffUser'];
export type ConversationStatus = Conversation['status'];

/**
 * PUTs a file's bytes to the API with the session's CSRF token, reporting the upload's progress
 * (fetch cannot: only XMLHttpRequest tells how much of a request body was sent).
 */
export function uploadFile<T>(path: string, file: Blob, onProgress: (percent: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', new URL(path, window.location.origin));
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken);
    xhr.upload.onprogress = (event) => event.lengthComputable && onProgress(Math.round((event.loaded / event.total) * 100));
    xhr.onerror = () => reject(new ApiError(0, 'network', '网络错误，请重试'));
    xhr.onload = () => {
      const body = (() => {
        try {
          return JSON.parse(xhr.responseText) as Record<string, string>;
        } catch {
          return {};
        }
      })();
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
      else reject(new ApiError(xhr.status, body.error ?? 'http_error', body.message ?? xhr.statusText));
    };
    xhr.send(file);
  });
}

/**
 * The widget's API client: /api/web/:publicId/… on the server that served widget.js. The stream's
 * event data mirror src/channels/web/stream-events.ts (the widget is built apart): change both.
 */
export interface ChatMessage {
  id: number;
  from: 'customer' | 'bot' | 'agent' | 'system';
  kind: string;
  text: string;
  clientId?: string;
  attachment?: { url: string; name?: string };
  /** On replies: the visitor's message it answers, and so the draft it replaces. */
  replyTo?: number;
  at: string;
}

/** A `delta` event: the reply to `replyTo` as written so far; empty text withdraws it. */
export interface ReplyDraft {
  replyTo: number;
  from: 'bot' | 'agent';
  text: string;
}

export interface Session {
  token: string;
  expiresAt: string;
  visitor: { id: string; kind: 'user' | 'anonymous' };
  limits: { maxMessageChars: number; maxUploadBytes: number };
  /** The company's greeting (the bot's settings in the console), when it set one. */
  greeting?: string;
  /** The account's look, when it sets one (the console's 渠道 page). */
  appearance?: Appearance;
}

export interface Appearance {
  color?: string;
  title?: string;
  subtitle?: string;
}

/** An answer other than 2xx, with the server's error code and, for 429, when to try again. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export class ChatApi {
  readonly root: string;

  constructor(
    readonly origin: string,
    publicId: string,
  ) {
    this.root = `${origin}/api/web/${encodeURIComponent(publicId)}`;
  }

  private async call<T>(path: string, init: RequestInit & { token?: string } = {}): Promise<T> {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('Authorization', `Bearer ${init.token}`);
    let res: Response;
    try {
      res = await fetch(this.root + path, { ...init, headers });
    } catch {
      throw new ApiError(0, 'network', 'network error');
    }
    const body = (await res.json().catch(() => ({}))) as { error?: string; message?: string; retryAfterSeconds?: number };
    if (!res.ok) throw new ApiError(res.status, body.error ?? 'http_error', body.message ?? res.statusText, body.retryAfterSeconds);
    return body as T;
  }

  /** A new anonymous session, a renewed one (token), or a signed-in user's (userId + exp + signature). */
  session(options: { token?: string; userId?: string; exp?: number; signature?: string }): Promise<Session> {
    const body = options.userId ? { userId: options.userId, exp: options.exp, signature: options.signature } : {};
    return this.call('/session', {
      method: 'POST',
      token: options.token,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  /** The newest messages before `before` (or the newest of all), oldest first. */
  history(token: string, before?: number, limit = 50): Promise<{ messages: ChatMessage[]; hasMore: boolean }> {
    return this.call(`/history?limit=${limit}${before ? `&before=${before}` : ''}`, { token });
  }

  send(token: string, clientId: string, text: string): Promise<{ message: ChatMessage }> {
    return this.call('/messages', {
      method: 'POST',
      token,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ clientId, text }),
    });
  }

  rate(token: string, messageId: number, rating: 'up' | 'down'): Promise<unknown> {
    return this.call('/feedback', {
      method: 'POST',
      token,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ messageId, rating }),
    });
  }

  upload(token: string, clientId: string, file: File): Promise<{ message: ChatMessage }> {
    const headers = {
      'Content-Type': file.type || 'application/octet-stream',
      'X-File-Name': encodeURIComponent(file.name),
      'X-Client-Id': clientId,
    };
    return this.call('/uploads', { method: 'POST', token, headers, body: file });
  }

  /**
   * EventSource, <img> and links send no headers, and a session token in a URL lands in proxy logs:
   * these URLs carry a ticket instead, good for one purpose and a minute (a stream ticket, once).
   */
  private async ticket(token: string, use: { purpose: 'stream' } | { purpose: 'download'; fileId: string }): Promise<string> {
    const { ticket } = await this.call<{ ticket: string }>('/tickets', {
      method: 'POST',
      token,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(use),
    });
    return encodeURIComponent(ticket);
  }

  async streamUrl(token: string, lastEventId: number): Promise<string> {
    return `${this.root}/stream?ticket=${await this.ticket(token, { purpose: 'stream' })}&lastEventId=${lastEventId}`;
  }

  /** Files are served only to their owner, by a download ticket for that file. */
  async fileUrl(token: string, path: string): Promise<string> {
    const fileId = path.slice(path.lastIndexOf('/') + 1);
    return `${this.origin}${path}?ticket=${await this.ticket(token, { purpose: 'download', fileId })}`;
  }
}

export const newClientId = () => {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
};

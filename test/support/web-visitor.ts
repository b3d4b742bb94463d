import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { readSseStream, type SseEvent, type SseStream } from './sse-reader.ts';

/**
 * A web chat visitor as the widget is one: a session, messages, history and the event stream,
 * spoken over real HTTP to a harness. Each visitor has its own client address (X-Forwarded-For:
 * the harness trusts one proxy hop) so per-address rate limits of one test do not touch another.
 */
/** The data of a stream event: a message's fields, or typing's and ready's. */
export interface StreamedData {
  id: number;
  from: string;
  text: string;
  clientId?: string;
  active?: boolean;
  [field: string]: unknown;
}

export type StreamedEvent = SseEvent<StreamedData>;

export interface OpenStream extends SseStream<StreamedData> {
  messages(): StreamedData[];
}

let addressCounter = 0;
export const nextClientAddress = () => `10.${(process.pid >> 8) & 255}.${process.pid & 255}.${++addressCounter}`;
export const newClientId = () => randomBytes(8).toString('hex');
/**
 * What the company's server posts for a signed-in customer, computed as docs/channels.md tells
 * companies to (HKDF-SHA256 of the widget secret, then HMAC of "<exp>.<userId>"), not with the
 * service's own code, so the documented recipe is what is tested.
 */
export function signUserId(secret: string, userId: string, exp = Math.floor(Date.now() / 1000) + 3600) {
  const key = Buffer.from(hkdfSync('sha256', secret, 'kefu-hub web widget', 'kefu-hub web user-signature v1', 32));
  return { userId, exp, signature: createHmac('sha256', key).update(`${exp}.${userId}`).digest('hex') };
}

export class WebVisitor {
  token = '';
  visitorId = '';
  readonly address = nextClientAddress();

  constructor(
    readonly baseUrl: string,
    readonly publicId = 'demo',
    readonly origin?: string,
  ) {}

  get api(): string {
    return `${this.baseUrl}/api/web/${this.publicId}`;
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      'X-Forwarded-For': this.address,
      ...(this.origin ? { Origin: this.origin } : {}),
      ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}),
      ...extra,
    };
  }

  async startSession(body: Record<string, unknown> = {}): Promise<Response> {
    const res = await fetch(`${this.api}/session`, {
      method: 'POST',
      headers: this.headers({ 'Content-Type': 'application/json' }),
      body: JSON.stringify(body),
    });
    if (res.ok) {
      const session = (await res.clone().json()) as { token: string; visitor: { id: string } };
      this.token = session.token;
      this.visitorId = session.visitor.id;
    }
    return res;
  }

  send(text: string, clientId = newClientId()): Promise<Response> {
    return fetch(`${this.api}/messages`, {
      method: 'POST',
      headers: this.headers({ 'Content-Type': 'application/json' }),
      body: JSON.stringify({ clientId, text }),
    });
  }

  upload(bytes: Buffer, name: string, clientId = newClientId()): Promise<Response> {
    return fetch(`${this.api}/uploads`, {
      method: 'POST',
      headers: this.headers({
        'Content-Type': 'application/octet-stream',
        'X-File-Name': encodeURIComponent(name),
        'X-Client-Id': clientId,
      }),
      body: new Blob([new Uint8Array(bytes)]),
    });
  }

  /** A ticket for a URL the browser opens itself: `{ purpose: 'stream' }` or `{ purpose: 'download', fileId }`. */
  ticket(body: Record<string, unknown>): Promise<Response> {
    return fetch(`${this.api}/tickets`, {
      method: 'POST',
      headers: this.headers({ 'Content-Type': 'application/json' }),
      body: JSON.stringify(body),
    });
  }

  async ticketFor(body: Record<string, unknown>): Promise<string> {
    const res = await this.ticket(body);
    if (!res.ok) throw new Error(`ticket: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { ticket: string }).ticket;
  }

  /** Fetches an upload as <img> or a link does: with a download ticket in the URL, no header. */
  async download(url: string): Promise<Response> {
    const fileId = url.slice(url.lastIndexOf('/') + 1);
    const ticket = await this.ticketFor({ purpose: 'download', fileId });
    return fetch(`${this.baseUrl}${url}?ticket=${encodeURIComponent(ticket)}`, { headers: { 'X-Forwarded-For': this.address } });
  }

  async history(): Promise<Array<{ id: number; from: string; text: string }>> {
    const res = await fetch(`${this.api}/history`, { headers: this.headers() });
    if (!res.ok) throw new Error(`history: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { messages: Array<{ id: number; from: string; text: string }> }).messages;
  }

  /** Opens the event stream as the widget's EventSource does (a stream ticket in the query; Last-Event-ID header on resume). */
  async stream(options: { lastEventId?: number; header?: boolean } = {}): Promise<OpenStream> {
    const abort = new AbortController();
    const query = new URLSearchParams({ ticket: await this.ticketFor({ purpose: 'stream' }) });
    const headers: Record<string, string> = {
      'X-Forwarded-For': this.address,
      Accept: 'text/event-stream',
      ...(this.origin ? { Origin: this.origin } : {}),
    };
    if (options.lastEventId !== undefined) {
      if (options.header === false) query.set('lastEventId', String(options.lastEventId));
      else headers['Last-Event-ID'] = String(options.lastEventId);
    }
    const res = await fetch(`${this.api}/stream?${query}`, { headers, signal: abort.signal });
    if (!res.ok || !res.body) throw new Error(`stream: ${res.status} ${await res.text()}`);
    const stream = readSseStream<StreamedData>(res, abort);
    return { ...stream, messages: () => stream.events.filter((e) => e.event === 'message').map((e) => e.data) };
  }
}

/** How many message events the stream delivered from `from` (e.g. 'bot'). */
export const countFrom = (events: StreamedEvent[], from: string) =>
  events.filter((e) => e.event === 'message' && e.data.from === from).length;

/**
 * A new visitor of the widget with this public id asks one question and waits for the bot's reply
 * (a new visitor each time, so earlier misses never add up to a handoff); the visitor and that reply.
 */
export async function askAsNewVisitor(
  baseUrl: string,
  question: string,
  publicId?: string,
): Promise<{ visitor: WebVisitor; reply: StreamedData }> {
  const visitor = new WebVisitor(baseUrl, publicId);
  await visitor.startSession();
  const stream = await visitor.stream({ lastEventId: 0 });
  try {
    await visitor.send(question);
    await stream.waitFor((events) => countFrom(events, 'bot') === 1, 30_000, 'the bot reply');
    return { visitor, reply: stream.messages().find((m) => m.from === 'bot')! };
  } finally {
    stream.close();
  }
}

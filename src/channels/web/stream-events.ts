import { formatNamedSseEvent } from '../../http/sse-response.ts';

/**
 * The widget's stream protocol (Server-Sent Events), for any sender — the bot, a human agent, the
 * system — with replies streamed as they are written (`delta` events, which the final `message`
 * replaces). docs/channels.md describes it for widget authors. widget/src/api.ts keeps a copy
 * (the widget is built apart): change both.
 */
export interface WireMessage {
  /** The stored message id: the SSE event id, so Last-Event-ID resumes exactly after it. */
  id: number;
  from: 'customer' | 'bot' | 'agent' | 'system';
  kind: string;
  text: string;
  /** The id the widget gave a message it sent, to match its optimistic copy. */
  clientId?: string;
  attachment?: { url: string; name?: string };
  /** On replies: the visitor's message it answers — the `replyTo` of the drafts it replaces. */
  replyTo?: number;
  /** ISO 8601. */
  at: string;
}

export type StreamEvent =
  /** A complete stored message; sent with `id:` so it moves the stream's Last-Event-ID. */
  | { type: 'message'; message: WireMessage }
  /** Someone is writing a reply (`active: false` when they stopped without one). */
  | { type: 'typing'; from: 'bot' | 'agent'; active: boolean }
  /**
   * The reply to message `replyTo` as written so far (the whole text, not an increment); empty
   * text withdraws it. Ephemeral: no `id:`, never replayed — the stored `message` is the record.
   */
  | { type: 'delta'; replyTo: number; from: 'bot' | 'agent'; text: string };

/** One event in SSE wire format (https://html.spec.whatwg.org/multipage/server-sent-events.html). */
export function formatSseEvent(event: StreamEvent): string {
  if (event.type === 'message') return `id: ${event.message.id}\nevent: message\ndata: ${JSON.stringify(event.message)}\n\n`;
  const { type, ...data } = event;
  return formatNamedSseEvent(type, data);
}

/**
 * The widget's stream protocol (Server-Sent Events), for any sender — the bot, a human agent, the
 * system — and open to partial replies later (a `delta` event carrying text for a message id that
 * a final `message` event then replaces). docs/channels.md describes it for widget authors.
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
  /** ISO 8601. */
  at: string;
}

export type StreamEvent =
  /** A complete stored message; sent with `id:` so it moves the stream's Last-Event-ID. */
  | { type: 'message'; message: WireMessage }
  /** Someone is writing a reply (`active: false` when they stopped without one). */
  | { type: 'typing'; from: 'bot' | 'agent'; active: boolean };

/** One event in SSE wire format (https://html.spec.whatwg.org/multipage/server-sent-events.html). */
export function formatSseEvent(event: StreamEvent): string {
  if (event.type === 'message') return `id: ${event.message.id}\nevent: message\ndata: ${JSON.stringify(event.message)}\n\n`;
  return `event: typing\ndata: ${JSON.stringify({ from: event.from, active: event.active })}\n\n`;
}

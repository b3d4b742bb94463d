import { PassThrough } from 'node:stream';
import type { Context } from 'koa';
import { formatNamedSseEvent, pipeSseResponse, SSE_PING } from '../../http/sse-response.ts';
import type { Logger } from '../../observability/logger.ts';
import type { Metrics } from '../../observability/metrics.ts';
import { formatSseEvent, type StreamEvent, type WireMessage } from './stream-events.ts';
import type { StreamHub } from './stream-hub.ts';
import type { VisitorMessages } from './visitor-messages.ts';

export interface EventStreamDeps {
  hub: StreamHub;
  messages: VisitorMessages;
  logger: Logger;
  heartbeatMs: number;
  /**
   * A stream ends after this long, give or take a fifth (so streams opened together do not all
   * return together), and the widget reopens it with a new ticket. Revocation and expiry are
   * checked when a stream opens; this is how often that happens at the least.
   */
  maxLifetimeMs: number;
  /** Open streams, ended when the service stops (SSE connections never end by themselves). */
  open: Set<() => void>;
  metrics: Metrics;
}

const CATCH_UP_PAGE = 200;
const CATCH_UP_MAX = 2000;
const RECENT_WITHOUT_CURSOR = 50;

/**
 * A visitor's live stream (Server-Sent Events). On connect it subscribes first, then reads what
 * the visitor missed after `lastEventId` from the database, then forwards live events — so nothing
 * falls in the gap between the two, and an event that arrives both ways is written once (by id).
 * Without a cursor it starts with the newest messages, like the history page.
 */
export async function openEventStream(
  ctx: Context,
  deps: EventStreamDeps,
  accountName: string,
  visitorId: string,
  lastEventId: number | undefined,
): Promise<void> {
  const out = new PassThrough();
  const written = new Set<number>();
  let cursor = lastEventId ?? 0;
  let live = false;
  let ended = false;
  const early: StreamEvent[] = [];
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let lifetime: ReturnType<typeof setTimeout> | undefined;
  let unsubscribe = () => {};

  // Registered first, so a visitor who leaves while the catch-up is read is cleaned up too.
  const close = () => {
    if (ended) return;
    ended = true;
    if (deps.open.delete(close)) deps.metrics.webStreams.dec();
    clearInterval(heartbeat);
    clearTimeout(lifetime);
    unsubscribe();
    out.end();
  };
  ctx.res.on('close', close);
  out.on('error', close);
  // A visitor who left while the request was being checked (ticket, revocation) is gone already.
  if (ctx.req.socket.destroyed) close();

  const write = (event: StreamEvent) => {
    if (ended) return;
    if (event.type === 'message') {
      if (written.has(event.message.id)) return;
      written.add(event.message.id);
      cursor = Math.max(cursor, event.message.id);
    }
    out.write(formatSseEvent(event));
  };
  const writeAll = (messages: WireMessage[]) => {
    for (const message of messages) write({ type: 'message', message });
  };

  async function catchUp(): Promise<void> {
    for (let total = 0; total < CATCH_UP_MAX && !ended; total += CATCH_UP_PAGE) {
      const missed = await deps.messages.after(accountName, visitorId, cursor, CATCH_UP_PAGE);
      writeAll(missed);
      if (missed.length < CATCH_UP_PAGE) return;
    }
  }

  try {
    unsubscribe = await deps.hub.subscribe(accountName, visitorId, {
      event: (event) => (live ? write(event) : early.push(event)),
      resync: () => {
        if (live) catchUp().catch((err) => deps.logger.warn({ err }, 'stream resync failed'));
      },
    });
    if (ended) unsubscribe();
    out.write('retry: 2000\n\n');
    if (lastEventId === undefined) writeAll(await deps.messages.page(accountName, visitorId, undefined, RECENT_WITHOUT_CURSOR));
    else await catchUp();
  } catch (err) {
    close();
    throw err;
  }
  live = true;
  for (const event of early.splice(0)) write(event);
  if (!ended) out.write(formatNamedSseEvent('ready', { lastEventId: cursor }));

  if (!ended) {
    heartbeat = setInterval(() => out.write(SSE_PING), deps.heartbeatMs);
    lifetime = setTimeout(close, deps.maxLifetimeMs * (0.8 + Math.random() * 0.4));
    deps.open.add(close);
    deps.metrics.webStreams.inc();
  }

  ctx.respond = false;
  if (ended) return;
  pipeSseResponse(ctx, out);
}

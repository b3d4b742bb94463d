import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { Context } from 'koa';
import type { Database } from '../../db/connect.ts';
import { formatNamedSseEvent, pipeSseResponse, SSE_PING } from '../../http/sse-response.ts';
import type { Logger } from '../../observability/logger.ts';
import type { Caller } from '../../staff/caller.ts';
import type { RoundRobin } from '../../conversations/staff-access.ts';
import type { PresenceStore } from '../../staff/presence.ts';
import { isStillSignedIn } from '../../staff/still-signed-in.ts';
import { teamIdsOf } from '../../staff/teams.ts';
import type { ConsoleEventHub } from './console-event-hub.ts';
import { mayReceive, type StreamViewer } from './event-visibility.ts';

export interface ConsoleStreamDeps {
  db: Database;
  hub: ConsoleEventHub;
  logger: Logger;
  /** A `: ping` comment this often (CONSOLE_EVENTS_HEARTBEAT_MS), and the caller's sign-in checked again. */
  heartbeatMs: number;
  /** Open streams, ended when the service stops (SSE connections never end by themselves). */
  open: Set<() => void>;
  /** Each open stream keeps its user online (src/staff/presence.ts). */
  presence: PresenceStore;
  /** A person coming online may be given waiting conversations of their teams. */
  roundRobin?: Pick<RoundRobin, 'available'>;
}

/** How long EventSource waits before reconnecting (the `retry:` field). */
const RETRY_MS = 3000;

/**
 * A staff member's live console stream (docs/agents.md, "Live events"): what changed, never what
 * was written, so the console refetches what it shows. Ends when the service stops, when the
 * caller's session or token ends (checked at every heartbeat), and when events may have been lost
 * (the Redis subscriber reconnected): EventSource reconnects and the console refetches.
 */
export async function openConsoleStream(ctx: Context, deps: ConsoleStreamDeps, caller: Caller): Promise<void> {
  const out = new PassThrough();
  const streamId = randomUUID();
  const presenceFailed = (err: unknown) => deps.logger.warn({ err, userId: caller.userId }, 'console stream: presence not recorded');
  const viewer: StreamViewer = { userId: caller.userId, role: caller.role, teamIds: new Set(await teamIdsOf(deps.db, caller.userId)) };
  let ended = false;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let unlisten = () => {};
  // This stream's presence changes run one after another, and none after the close: a heartbeat
  // that was under way when the stream ended would otherwise mark it open again after streamClosed,
  // and its user would read online for a whole stream TTL with no console open.
  let presenceOps = Promise.resolve();
  const updatePresence = (change: (presence: PresenceStore) => Promise<void>, evenAfterClose = false) =>
    (presenceOps = presenceOps.then(() => (ended && !evenAfterClose ? undefined : change(deps.presence))).catch(presenceFailed));
  const close = () => {
    if (ended) return;
    ended = true;
    deps.open.delete(close);
    clearInterval(heartbeat);
    unlisten();
    out.end();
    void updatePresence((presence) => presence.streamClosed(caller.userId, streamId), true);
  };
  ctx.res.on('close', close);
  out.on('error', close);

  await deps.hub.ready;
  unlisten = deps.hub.listen({
    event: (event) => {
      if (!ended && mayReceive(viewer, event)) out.write(formatNamedSseEvent(event.type, event.data));
    },
    lost: close,
  });
  await updatePresence((presence) => presence.streamOpened(caller.userId, streamId));
  out.write(`retry: ${RETRY_MS}\n\n`);
  out.write(formatNamedSseEvent('ready', { at: new Date().toISOString() }));
  // After `ready`: the stream is listening, so the console hears of what round-robin gives its user.
  // Not awaited, so the stream starts at once; it never rejects (a failure is logged, the sweep repairs it).
  void deps.roundRobin?.available(caller.userId);

  const beat = async () => {
    try {
      if (!(await isStillSignedIn(deps.db, caller))) return close();
      if (ended) return;
      // Team changes reach an open stream here, as a role change ends it above.
      viewer.teamIds = new Set(await teamIdsOf(deps.db, caller.userId));
      out.write(SSE_PING);
      await updatePresence((presence) => presence.streamAlive(caller.userId, streamId));
    } catch (err) {
      // The database is briefly unreachable: keep the stream; the next beat checks again.
      deps.logger.warn({ err, userId: caller.userId }, 'console stream: heartbeat check failed');
    }
  };
  heartbeat = setInterval(() => void beat(), deps.heartbeatMs);
  deps.open.add(close);
  // The caller left while the stream was being set up.
  if (ctx.req.socket.destroyed) close();
  ctx.respond = false;
  if (ended) return;
  pipeSseResponse(ctx, out);
}

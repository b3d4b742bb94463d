import type { Redis } from 'ioredis';
import type { ConversationStatus } from '../db/schema.ts';
import type { Logger } from '../observability/logger.ts';

/** What changed in a conversation, for the console to refetch: never its text or the customer's name. */
export type ConversationChange = 'waiting' | 'assigned' | 'message' | 'note' | 'resolved' | 'closed' | 'updated';

export interface ConversationEventInput {
  conversationId: number;
  change: ConversationChange;
  status: ConversationStatus;
  /** The staff user holding it, when `human`. */
  assignee: number | null;
  teamId: number | null;
}

export interface ConversationEvent extends ConversationEventInput {
  at: string;
}

/** Told after a transaction that changed a conversation has committed. */
export interface ConversationEvents {
  publish(event: ConversationEventInput): void;
}

/** The Redis pub/sub channel of console events. ioredis does not prefix pub/sub channels, so the prefix is added here. */
export function conversationEventsChannel(redisPrefix: string): string {
  return `${redisPrefix}:console-events`;
}

/**
 * Publishes on one Redis channel that every API process subscribes to, so any process can serve
 * any agent's event stream. Fire-and-forget: the database is the record and a console refetches
 * on reconnect, so a lost event costs a stale view until then, never a lost change.
 */
export function redisConversationEvents(redis: Redis, redisPrefix: string, logger: Logger): ConversationEvents {
  const channel = conversationEventsChannel(redisPrefix);
  const lost = (err: unknown) => logger.warn({ err }, 'console event not published');
  let pending: string[] = [];
  // Events published in one event-loop turn (a group commit's conversations) go to Redis in one
  // write: one round trip and one read on each side instead of one per event.
  function flush() {
    const payloads = pending;
    pending = [];
    if (payloads.length === 1) {
      redis.publish(channel, payloads[0]!).catch(lost);
      return;
    }
    redis
      .pipeline(payloads.map((payload) => ['publish', channel, payload]))
      .exec()
      .then((replies) => {
        for (const [err] of replies ?? []) if (err) lost(err);
      }, lost);
  }
  return {
    publish(event) {
      const payload: ConversationEvent = { ...event, at: new Date().toISOString() };
      pending.push(JSON.stringify(payload));
      if (pending.length === 1) queueMicrotask(flush);
    },
  };
}

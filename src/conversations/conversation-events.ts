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
  return {
    // The commands connection auto-pipelines (connect-infrastructure.ts): the events of one
    // event-loop turn (a group commit's conversations) go to Redis in one write, in order.
    publish(event) {
      const payload: ConversationEvent = { ...event, at: new Date().toISOString() };
      redis.publish(channel, JSON.stringify(payload)).catch(lost);
    },
  };
}

import type { Redis } from 'ioredis';
import { conversationEventsChannel } from '../conversations/conversation-events.ts';
import type { Logger } from '../observability/logger.ts';

export const presenceStates = ['online', 'away', 'offline'] as const;
export type Presence = (typeof presenceStates)[number];

/** A staff member's presence changed (the console shows who can take conversations). */
export interface PresenceEvent {
  userId: number;
  presence: Presence;
}

/** Publishes on the console channel, beside conversation events; fire-and-forget like them. */
export function publishPresence(redis: Redis, redisPrefix: string, logger: Logger, event: PresenceEvent): void {
  redis.publish(conversationEventsChannel(redisPrefix), JSON.stringify(event)).catch((err) => {
    logger.warn({ err, userId: event.userId }, 'presence event not published');
  });
}

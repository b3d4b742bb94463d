import type { Redis } from 'ioredis';
import { type ConversationEvent, conversationEventsChannel } from '../../conversations/conversation-events.ts';
import type { Logger } from '../../observability/logger.ts';
import type { PresenceEvent } from '../../staff/presence-events.ts';

/** What a console stream may be told: a conversation changed, or someone's presence did. */
export type ConsoleEvent = { type: 'conversation'; data: ConversationEvent } | { type: 'presence'; data: PresenceEvent };

export interface ConsoleEventListener {
  event(event: ConsoleEvent): void;
  /** The subscriber reconnected: events published meanwhile are lost. */
  lost(): void;
}

export interface ConsoleEventHub {
  /** Resolves once Redis confirmed the subscription: nothing published afterwards is missed. */
  ready: Promise<void>;
  /** Hands every event to `listener` until the returned function is called. */
  listen(listener: ConsoleEventListener): () => void;
}

/**
 * One Redis subscriber per API process on the console channel, fanned out to the streams this
 * process holds; each stream filters what its caller may see (src/console/live/event-visibility.ts).
 * Presence events share the channel with conversation events and are told apart by their shape.
 */
export function createConsoleEventHub(subscriber: Redis, redisPrefix: string, logger: Logger): ConsoleEventHub {
  const channel = conversationEventsChannel(redisPrefix);
  const listeners = new Set<ConsoleEventListener>();
  const ready = subscriber.subscribe(channel).then(
    () => undefined,
    (err) => logger.error({ err }, 'console events: subscribe failed; streams get no events until Redis is back'),
  );
  subscriber.on('message', (from: string, payload: string) => {
    if (from !== channel) return;
    let event: ConsoleEvent;
    try {
      const data = JSON.parse(payload) as ConversationEvent | PresenceEvent;
      event = 'presence' in data ? { type: 'presence', data } : { type: 'conversation', data };
    } catch (err) {
      logger.warn({ err }, 'unreadable console event dropped');
      return;
    }
    for (const listener of listeners) listener.event(event);
  });
  // ioredis subscribes again by itself after a reconnect (autoResubscribe); what was published
  // in between is gone, so the streams are told.
  let connectedBefore = false;
  subscriber.on('ready', () => {
    if (connectedBefore) for (const listener of listeners) listener.lost();
    connectedBefore = true;
  });
  if (subscriber.status === 'ready') connectedBefore = true;
  return {
    ready,
    listen(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

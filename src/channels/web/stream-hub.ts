import type { Redis } from 'ioredis';
import type { Logger } from '../../observability/logger.ts';
import type { StreamEvent } from './stream-events.ts';

export interface StreamListener {
  event(event: StreamEvent): void;
  /** Live events may have been missed (the subscriber reconnected): read the database again. */
  resync(): void;
}

/**
 * Fan-out of a visitor's events to whichever API process holds their stream: publish on one Redis
 * channel per visitor; each API process keeps one subscriber connection and hands messages to its
 * local streams. Pub/sub is fire-and-forget — the database is the record, and a stream catches up
 * from it on connect and after the subscriber reconnects.
 */
export class StreamHub {
  private readonly listeners = new Map<string, Set<StreamListener>>();
  private readonly subscribing = new Map<string, Promise<unknown>>();

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis | undefined,
    // ioredis does not apply keyPrefix to pub/sub channel names, so the prefix is added here.
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {
    if (!subscriber) return;
    subscriber.on('message', (channel: string, payload: string) => {
      const set = this.listeners.get(channel);
      if (!set) return;
      let event: StreamEvent;
      try {
        event = JSON.parse(payload) as StreamEvent;
      } catch (err) {
        logger.warn({ err, channel }, 'unreadable stream event dropped');
        return;
      }
      for (const l of set) l.event(event);
    });
    let connectedBefore = false;
    subscriber.on('ready', () => {
      if (connectedBefore) for (const set of this.listeners.values()) for (const l of set) l.resync();
      connectedBefore = true;
    });
  }

  private channel(accountName: string, visitorId: string): string {
    return `${this.prefix}:web-stream:${accountName}:${visitorId}`;
  }

  /** Resolves with the number of streams (in all processes) that received it. */
  async publish(accountName: string, visitorId: string, event: StreamEvent): Promise<number> {
    return this.publisher.publish(this.channel(accountName, visitorId), JSON.stringify(event));
  }

  /**
   * How many streams (in all processes) listen to each visitor now: each API process holding one
   * subscribes to the visitor's channel (PUBSUB NUMSUB, https://redis.io/docs/latest/commands/pubsub-numsub/).
   * One round trip for them all, so a broadcast's forecast asks a whole audience at once.
   */
  async listening(visitors: Array<{ accountName: string; visitorId: string }>): Promise<number[]> {
    if (visitors.length === 0) return [];
    const reply = (await this.publisher.pubsub('NUMSUB', ...visitors.map((v) => this.channel(v.accountName, v.visitorId)))) as Array<
      string | number
    >;
    // [channel, count, channel, count, …] in the order asked.
    return visitors.map((_, i) => Number(reply[2 * i + 1]));
  }

  /** Resolves once Redis confirmed the subscription, so nothing published afterwards is missed. */
  async subscribe(accountName: string, visitorId: string, listener: StreamListener): Promise<() => void> {
    if (!this.subscriber) throw new Error('this process serves no streams (no subscriber connection)');
    const channel = this.channel(accountName, visitorId);
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      this.subscribing.set(channel, this.subscriber.subscribe(channel));
    }
    set.add(listener);
    await this.subscribing.get(channel);
    return () => {
      const current = this.listeners.get(channel);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) {
        this.listeners.delete(channel);
        this.subscribing.delete(channel);
        this.subscriber!.unsubscribe(channel).catch((err) => this.logger.warn({ err }, 'unsubscribe failed'));
      }
    };
  }
}

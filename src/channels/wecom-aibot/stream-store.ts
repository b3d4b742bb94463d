import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { OutboundRecipient } from '../types.ts';
import type { TemplateCard } from './answer-cards.ts';

/**
 * The answers WeCom is waiting for, kept in Redis so that whichever process writes them (a worker)
 * and whichever answers WeCom (the API process a stream refresh reaches, or the holder of the long
 * connection) share them. One stream per customer message: its whole text so far and whether it
 * is finished (WeCom replaces a stream's content on each refresh, it does not append; doc 100719,
 * 流式消息刷新).
 */

/** WeCom refreshes a stream for at most 6 minutes after the user's message (doc 100719). */
export const STREAM_LIFETIME_MS = 6 * 60_000;
/** A stream this old may not be refreshed again before WeCom gives up: a reply goes another way. */
const STREAM_USABLE_MS = STREAM_LIFETIME_MS - 30_000;
/** response_url can be used once, for an hour (doc 101138): the record is kept that long. */
const RECORD_TTL_S = 3600;

export interface OpenStream {
  streamId: string;
  /** The stored customer message the stream answers. */
  messageId: number;
  openedAt: number;
  finished: boolean;
  responseUrl?: string;
  /** Long connection: the req_id of the message callback, which replies must repeat. */
  reqId?: string;
  /** Long connection: the lease fence of the connection the message came on; only it can answer the req_id. */
  fence?: number;
}

export interface StreamState {
  content: string;
  finished: boolean;
  /** Shown under the finished answer (answer-cards.ts). */
  card?: TemplateCard;
}

/** A stream id that retries of one callback share (the platform's msgid names the message). */
export function streamIdOf(accountName: string, msgid: string): string {
  return createHash('sha256').update(`${accountName}\n${msgid}`).digest('hex').slice(0, 32);
}

// Drafts race the final answer (they are fire-and-forget): a draft never overwrites a finished stream.
const DRAFT_SCRIPT = `
if redis.call('exists', KEYS[1]) == 1 and redis.call('hget', KEYS[1], 'finished') ~= '1' then
  redis.call('hset', KEYS[1], 'content', ARGV[1])
  return 1
end
return 0`;

export class StreamStore {
  /**
   * `changes`: the pub/sub channel (prefixed by hand: ioredis applies no keyPrefix to channels) on
   * which a long connection's holder hears that a stream has something new to push; unset in
   * webhook mode, where WeCom comes to fetch it.
   */
  constructor(
    private readonly redis: Redis,
    private readonly accountName: string,
    readonly changes?: string,
  ) {}

  private async changed(streamId: string): Promise<void> {
    if (this.changes) await this.redis.publish(this.changes, streamId);
  }

  private streamKey(streamId: string): string {
    return `wecom-aibot:stream:${this.accountName}:${streamId}`;
  }
  private openKey(customerExternalId: string): string {
    return `wecom-aibot:streams-of:${this.accountName}:${customerExternalId}`;
  }

  /** Opens the stream of a stored customer message; a retry of the callback finds it open already. */
  async open(customerExternalId: string, stream: Omit<OpenStream, 'finished' | 'openedAt'>): Promise<void> {
    const key = this.streamKey(stream.streamId);
    const fields: Record<string, string> = { messageId: String(stream.messageId), openedAt: String(Date.now()), content: '' };
    if (stream.responseUrl) fields.responseUrl = stream.responseUrl;
    if (stream.reqId) fields.reqId = stream.reqId;
    if (stream.fence !== undefined) fields.fence = String(stream.fence);
    const created = await this.redis.hsetnx(key, 'openedAt', fields.openedAt!);
    const multi = this.redis.multi();
    if (created) multi.hset(key, fields);
    multi
      .expire(key, RECORD_TTL_S)
      .zadd(this.openKey(customerExternalId), stream.messageId, stream.streamId)
      .expire(this.openKey(customerExternalId), RECORD_TTL_S);
    await multi.exec();
  }

  /** What a refresh answers: the whole text so far. An unknown or expired stream is over. */
  async read(streamId: string): Promise<StreamState> {
    const [content, finished, openedAt, card] = await this.redis.hmget(this.streamKey(streamId), 'content', 'finished', 'openedAt', 'card');
    if (openedAt === null) return { content: '', finished: true };
    return { content: content ?? '', finished: finished === '1', ...(card && { card: JSON.parse(card) as TemplateCard }) };
  }

  /** The streams of a customer's messages up to `upTo` (a reply's turn; all when unset), oldest first. */
  async streamsOf(to: OutboundRecipient, upTo?: number): Promise<OpenStream[]> {
    const ids = await this.redis.zrangebyscore(this.openKey(to.customerExternalId), '-inf', upTo ?? '+inf');
    const streams: OpenStream[] = [];
    for (const streamId of ids) {
      const stream = await this.record(streamId);
      if (stream) streams.push(stream);
    }
    return streams;
  }

  async record(streamId: string): Promise<OpenStream | undefined> {
    const [messageId, openedAt, finished, responseUrl, reqId, fence] = await this.redis.hmget(
      this.streamKey(streamId),
      'messageId',
      'openedAt',
      'finished',
      'responseUrl',
      'reqId',
      'fence',
    );
    if (openedAt === null) return undefined;
    return {
      streamId,
      messageId: Number(messageId),
      openedAt: Number(openedAt),
      finished: finished === '1',
      ...(responseUrl && { responseUrl }),
      ...(reqId && { reqId }),
      ...(fence && { fence: Number(fence) }),
    };
  }

  /** Streams WeCom still refreshes, so an answer written there reaches the user. */
  async refreshable(to: OutboundRecipient, upTo?: number, now = Date.now()): Promise<OpenStream[]> {
    return (await this.streamsOf(to, upTo)).filter((s) => !s.finished && now - s.openedAt < STREAM_USABLE_MS);
  }

  /** Shows a draft; false when the stream has finished meanwhile. */
  async draft(streamId: string, content: string): Promise<boolean> {
    const shown = (await this.redis.eval(DRAFT_SCRIPT, 1, this.streamKey(streamId), content)) === 1;
    if (shown) await this.changed(streamId);
    return shown;
  }

  async finish(streamId: string, content: string, card?: TemplateCard): Promise<void> {
    await this.redis.hset(this.streamKey(streamId), { content, finished: '1', ...(card && { card: JSON.stringify(card) }) });
    await this.changed(streamId);
  }

  /** Long connection: WeCom acknowledged the stream's finishing frame. */
  async markDelivered(streamId: string): Promise<void> {
    await this.redis.hset(this.streamKey(streamId), 'delivered', '1');
  }

  async delivered(streamId: string): Promise<boolean> {
    return (await this.redis.hget(this.streamKey(streamId), 'delivered')) === '1';
  }

  /** Takes a stream's response_url for one use: true for the one caller that may use it. */
  async takeResponseUrl(streamId: string): Promise<boolean> {
    return (await this.redis.hsetnx(this.streamKey(streamId), 'responseUrlUsed', '1')) === 1;
  }
}

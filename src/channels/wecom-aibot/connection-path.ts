import type { Redis } from 'ioredis';
import { DeliveryError } from '../../errors.ts';
import { chatIdOf } from './aibot-message.ts';
import { currentFence } from './connection-lease.ts';
import { sendThroughConnection } from './connection-outbox.ts';
import type { ReplyPath } from './send-reply.ts';
import type { StreamStore } from './stream-store.ts';

/**
 * Long connection: a stream is answered with aibot_respond_msg frames carrying its message's req_id
 * (doc 101463), which only the connection the message came on can send. A finished stream counts
 * as delivered once that connection's holder saw WeCom acknowledge the last frame; a stream of an
 * earlier connection (the holder changed) is answered outside it, with aibot_send_msg.
 */
export function connectionPath(redis: Redis, accountName: string, streams: StreamStore, waitMs: number): ReplyPath {
  return {
    async openStreams(to, turn) {
      const fence = await currentFence(redis, accountName);
      return (await streams.refreshable(to, turn)).filter((s) => fence !== undefined && s.fence === fence);
    },
    async finish(open, text, card) {
      // The card goes under the last stream only: one card per answer.
      for (const [i, stream] of open.entries()) await streams.finish(stream.streamId, text, i === open.length - 1 ? card : undefined);
      const deadline = Date.now() + waitMs;
      for (const stream of open) {
        while (!(await streams.delivered(stream.streamId))) {
          // Not confirmed: the retry finds the stream finished and sends outside it (at least once).
          if (Date.now() > deadline)
            throw new DeliveryError(true, 'wecom-aibot:stream_unconfirmed', 'WeCom did not acknowledge the finished stream in time');
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    },
    async sendOutside(to, text) {
      const { id } = await sendThroughConnection(redis, accountName, { chatid: chatIdOf(to.customerExternalId), content: text }, waitMs);
      return { platformMessageId: id };
    },
  };
}

import { DeliveryError } from '../../errors.ts';
import { HttpTransportError, requestJson } from '../../lib/http-json.ts';
import type { ReplyPath } from './send-reply.ts';
import type { StreamStore } from './stream-store.ts';

interface ResponseUrlAnswer {
  errcode?: number;
  errmsg?: string;
}

/** response_url takes one answer within an hour of the message (doc 101138). */
const RESPONSE_URL_LIFETIME_MS = 3_600_000;

/**
 * Webhook mode: a finished stream is fetched by WeCom's next refresh; outside a stream, the answer
 * goes to the response_url of the customer's latest message, usable once within an hour, as
 * markdown (https://developer.work.weixin.qq.com/document/path/101138).
 */
export function responseUrlPath(streams: StreamStore, timeoutMs: number): ReplyPath {
  return {
    openStreams: (to, turn) => streams.refreshable(to, turn),
    async finish(open, text, card) {
      // The card goes under the last stream only: one card per answer.
      for (const [i, stream] of open.entries()) await streams.finish(stream.streamId, text, i === open.length - 1 ? card : undefined);
    },
    async sendOutside(to, text) {
      // Only the latest message's: a resend after a crash finds it taken and stops there, rather
      // than reaching the user again through an older message's URL.
      const latest = (await streams.streamsOf(to)).at(-1);
      if (
        latest?.responseUrl &&
        Date.now() - latest.openedAt < RESPONSE_URL_LIFETIME_MS &&
        (await streams.takeResponseUrl(latest.streamId))
      ) {
        let answer: ResponseUrlAnswer;
        try {
          answer = await requestJson<ResponseUrlAnswer>({
            url: latest.responseUrl,
            body: { msgtype: 'markdown', markdown: { content: text } },
            timeoutMs,
          });
        } catch (err) {
          // The URL is spent whether or not WeCom took it: a retry cannot use it again.
          if (err instanceof HttpTransportError) throw new DeliveryError(false, `http:${err.status ?? 'network'}`, err.message);
          throw err;
        }
        if (answer.errcode) throw new DeliveryError(false, `wecom-aibot:${answer.errcode}`, `response_url refused: ${answer.errmsg ?? ''}`);
        return { platformMessageId: `response_url:${latest.streamId}` };
      }
      throw new DeliveryError(
        false,
        'wecom-aibot:no_reply_path',
        'no open stream and no unused response_url: the user must write to the bot again before it can answer',
      );
    },
  };
}

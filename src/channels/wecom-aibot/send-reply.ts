import { splitUtf8Text } from '../shared/split-utf8-text.ts';
import type { OutboundRecipient, SendReceipt } from '../types.ts';
import type { TemplateCard } from './answer-cards.ts';
import type { OpenStream } from './stream-store.ts';

/** A stream's content is at most 20,480 bytes of UTF-8 (doc 101463; doc 100719 流式消息回复). */
export const STREAM_CONTENT_MAX_BYTES = 20_480;

/** Splits a reply into parts that each fit one stream; the parts after the first continue it. */
export const splitForAibot = (text: string): string[] => splitUtf8Text(text, STREAM_CONTENT_MAX_BYTES);

/** How replies reach WeCom in one connection mode (webhook: response-url-path.ts; long connection: connection-path.ts). */
export interface ReplyPath {
  /** The streams of the turn's messages this path can still answer in, oldest first. */
  openStreams(to: OutboundRecipient, turn: number | undefined): Promise<OpenStream[]>;
  /** Writes the final text (and the card under it) into them; resolves once it is as good as delivered. */
  finish(streams: OpenStream[], text: string, card?: TemplateCard): Promise<void>;
  /** A message outside any stream. Throws DeliveryError. */
  sendOutside(to: OutboundRecipient, text: string): Promise<SendReceipt>;
}

/**
 * Sends one part of a reply. WeCom shows a message's answer in the stream our first reply opened,
 * so while one is open the part finishes every open stream of the turn (`turn`: the customer
 * message the reply answers; unset for an agent's reply, which answers all). A turn of several
 * messages answered at once finishes all their streams with it, since a stream left open would
 * spin until WeCom gives up. Otherwise (a second part, a late answer, an agent's reply after the
 * streams ended) the part goes outside any stream.
 */
export async function sendAibotReply(
  path: ReplyPath,
  to: OutboundRecipient,
  text: string,
  turn: number | undefined,
  card?: TemplateCard,
): Promise<SendReceipt> {
  const open = await path.openStreams(to, turn);
  if (open.length === 0) return path.sendOutside(to, text);
  await path.finish(open, text, card);
  return { platformMessageId: open[open.length - 1]!.streamId };
}

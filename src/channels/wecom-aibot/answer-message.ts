import type { AnswerRating } from '../../conversations/record-answer-feedback.ts';
import type { AcceptInbound } from '../types.ts';
import { type AibotMessage, customerIdOf, inboundOf } from './aibot-message.ts';
import { cardActionOf, clickedCard, type TemplateCard } from './answer-cards.ts';
import type { WecomAibotAccount } from './config.ts';
import { splitForAibot } from './send-reply.ts';
import { type OpenStream, type StreamState, type StreamStore, streamIdOf } from './stream-store.ts';

interface StreamBody {
  id: string;
  finish: boolean;
  content: string;
}

/** What we answer a callback with (doc 100719 / 101463): a stream, with the answer's card once finished, a text, or a card update. */
export type AibotReply =
  | { msgtype: 'stream'; stream: StreamBody }
  | { msgtype: 'stream_with_template_card'; stream: StreamBody; template_card: TemplateCard }
  | { msgtype: 'text'; text: { content: string } }
  | { response_type: 'update_template_card'; template_card: TemplateCard };

export interface AnsweredMessage {
  reply?: AibotReply;
  /** For the callbacks metric: accepted, duplicate, ignored, refresh, welcome, card. */
  result: string;
}

export interface AnswerDeps {
  account: WecomAibotAccount;
  streams: StreamStore;
  accept: AcceptInbound;
  /** Stores a 👍/👎 against the rated answer (src/conversations/record-answer-feedback.ts). */
  rateAnswer(customerExternalId: string, messageId: number, rating: AnswerRating): Promise<boolean>;
}

/** A stream frame: the whole answer so far (WeCom replaces, it does not append), its card with the finish. */
export function streamReply(id: string, state: StreamState): AibotReply {
  // A draft may pass the limit before the worker splits the reply: a frame shows what fits.
  const stream = { id, finish: state.finished, content: splitForAibot(state.content)[0] ?? '' };
  return state.finished && state.card
    ? { msgtype: 'stream_with_template_card', stream, template_card: state.card }
    : { msgtype: 'stream', stream };
}

/**
 * Answers one message or event callback (webhook mode's POST, or a frame of the long connection).
 * A customer's message is stored and queued first (the intake's store-and-queue, deduplicated by
 * msgid), then answered with the id of a new, empty stream: the worker writes the answer into it.
 * A stream refresh gets the whole answer so far (doc 100719, 流式消息刷新).
 */
export async function answerAibotMessage(
  message: AibotMessage,
  deps: AnswerDeps,
  /** Long connection: the callback's req_id and the fence of the connection it came on. */
  extra: Pick<OpenStream, 'reqId' | 'fence'> = {},
): Promise<AnsweredMessage> {
  const { account, streams } = deps;
  if (message.msgtype === 'stream') {
    const id = message.stream?.id ?? '';
    return { reply: streamReply(id, await streams.read(id)), result: 'refresh' };
  }
  if (message.msgtype === 'event') return answerEvent(message, deps);
  const inbound = inboundOf(message, account.name);
  if (!inbound) return { result: 'ignored' };
  const accepted = await deps.accept(inbound);
  const streamId = streamIdOf(account.name, message.msgid);
  if (accepted.outcome === 'staff_reply') return { result: accepted.outcome };
  if (accepted.messageId !== undefined) {
    await streams.open(customerIdOf(message), {
      streamId,
      messageId: accepted.messageId,
      ...(message.response_url && { responseUrl: message.response_url }),
      ...extra,
    });
  }
  // A retry of the callback gets the same stream: WeCom goes on refreshing the one it knows.
  return { reply: streamReply(streamId, await streams.read(streamId)), result: accepted.outcome };
}

async function answerEvent(message: AibotMessage, deps: AnswerDeps): Promise<AnsweredMessage> {
  const event = message.event ?? {};
  // enter_chat: a user opened the single chat; the welcome must come within 5 s (doc 101463).
  if (event.eventtype === 'enter_chat' && deps.account.welcomeText)
    return { reply: { msgtype: 'text', text: { content: deps.account.welcomeText } }, result: 'welcome' };
  if (event.eventtype !== 'template_card_event') return { result: 'ignored' };
  // The SDK's types put event_key and task_id on the event; the docs nest them under template_card_event.
  const nested = (event.template_card_event ?? {}) as { event_key?: string; task_id?: string };
  const eventKey = (event.event_key as string | undefined) ?? nested.event_key;
  const taskId = (event.task_id as string | undefined) ?? nested.task_id;
  const action = cardActionOf(eventKey);
  if (!action || !message.from?.userid) return { result: 'ignored' };
  const customer = customerIdOf(message);
  if (action.kind === 'rate') {
    if (!(await deps.rateAnswer(customer, action.messageId, action.rating))) return { result: 'ignored' };
  } else {
    // 转人工 is what the customer would have typed: the pipeline hands over as for the words.
    await deps.accept({
      channel: 'wecom-aibot',
      accountName: deps.account.name,
      customerExternalId: customer,
      platformMessageId: message.msgid,
      dedupeKey: message.msgid,
      sentAt: new Date(),
      content: { type: 'text', text: '转人工' },
    });
  }
  return { reply: { response_type: 'update_template_card', template_card: clickedCard(action, taskId) }, result: 'card' };
}

import type { Redis } from 'ioredis';
import { findChannelAccountId } from '../../conversations/channel-accounts.ts';
import { findMessageOfDelivery } from '../../conversations/customer-messages.ts';
import { type AnswerRating, recordAnswerFeedback } from '../../conversations/record-answer-feedback.ts';
import { RejectedRequestError } from '../../errors.ts';
import type { Database } from '../../db/connect.ts';
import { DeliveryError } from '../../errors.ts';
import type { Metrics } from '../../observability/metrics.ts';
import type { CallbackLimits } from '../shared/wx-callback.ts';
import type { AcceptInbound, Channel } from '../types.ts';
import { answerCard } from './answer-cards.ts';
import type { AnswerDeps } from './answer-message.ts';
import type { WecomAibotAccount } from './config.ts';
import { connectionPath } from './connection-path.ts';
import { downloadAibotMedia } from './download-media.ts';
import { responseUrlPath } from './response-url-path.ts';
import { type ReplyPath, sendAibotReply, splitForAibot } from './send-reply.ts';
import type { StreamStore } from './stream-store.ts';
import { registerAibotWebhookRoutes } from './webhook-routes.ts';

/** How long a send waits for WeCom (response_url) or for the connection's holder to confirm. */
const SEND_WAIT_MS = 10_000;

export interface WecomAibotChannelDeps {
  accounts: WecomAibotAccount[];
  /** Each account's streams (build-channel.ts makes them). */
  streams: Map<string, StreamStore>;
  db: Database;
  redis: Redis;
  metrics: Metrics;
  limits: CallbackLimits;
  accept: AcceptInbound;
}

/** How each account answers callbacks (webhook routes and the long connection share it). */
export function answerDepsFor(deps: WecomAibotChannelDeps, account: WecomAibotAccount): AnswerDeps {
  let accountId: Promise<number | undefined> | undefined;
  return {
    account,
    streams: deps.streams.get(account.name)!,
    accept: deps.accept,
    async rateAnswer(customerExternalId: string, messageId: number, rating: AnswerRating) {
      accountId ??= findChannelAccountId(deps.db, 'wecom-aibot', account.name);
      const channelAccountId = await accountId;
      if (channelAccountId === undefined) return false;
      // A click on a card of an answer this user was not given is ignored, like any stray event.
      return recordAnswerFeedback(deps.db, {
        messageId,
        rating,
        source: 'wecom-aibot',
        from: { channelAccountId, externalId: customerExternalId },
      }).then(
        () => true,
        (err) => {
          if (err instanceof RejectedRequestError) return false;
          throw err;
        },
      );
    },
  };
}

/**
 * The WeCom AI bot channel (智能机器人): messages in by webhook or over the long connection, each
 * answered in the stream WeCom shows for it (stream-store.ts), as the model writes it.
 */
export function createWecomAibotChannel(deps: WecomAibotChannelDeps): Channel {
  const answering = new Map(deps.accounts.map((a) => [a.name, answerDepsFor(deps, a)]));
  const paths = new Map<string, { streams: StreamStore; path: ReplyPath }>(
    deps.accounts.map((a) => {
      const streams = deps.streams.get(a.name)!;
      const path =
        a.mode === 'webhook' ? responseUrlPath(streams, SEND_WAIT_MS) : connectionPath(deps.redis, a.name, streams, SEND_WAIT_MS);
      return [a.name, { streams, path }];
    }),
  );
  const accountOf = (name: string) => {
    const found = paths.get(name);
    // A conversation of a bot since removed from the configuration cannot be answered: permanent.
    if (!found) throw new DeliveryError(false, 'config:unknown_account', `no WeCom AI bot named "${name}" is configured`);
    return found;
  };
  return {
    kind: 'wecom-aibot',
    accounts: () =>
      deps.accounts.map((a) => ({
        name: a.name,
        settings: { mode: a.mode, ...(a.botId && { botId: a.botId }), ...(a.knowledgeBase && { knowledgeBase: a.knowledgeBase }) },
      })),
    registerRoutes: (router) => registerAibotWebhookRoutes(router, { ...deps, answering }),
    sender: {
      splitText: splitForAibot,
      async sendText(to, text, deliveryId) {
        const reply = await findMessageOfDelivery(deps.db, deliveryId);
        // The bot's own answers get the 👍/👎/转人工 card; a handoff, a hold notice or an agent's reply does not.
        const card = reply?.sender === 'bot' && !reply.meta.handoffReason ? answerCard(reply.id) : undefined;
        return sendAibotReply(accountOf(to.accountName).path, to, text, reply?.replyToId ?? undefined, card);
      },
    },
    async fetchMedia(accountName, mediaId) {
      const account = deps.accounts.find((a) => a.name === accountName);
      return downloadAibotMedia(mediaId, account?.encodingAesKey);
    },
    // The answer as the model writes it, into the streams of the turn's messages.
    async onDraft(to, draft) {
      const { streams, path } = accountOf(to.accountName);
      const content = splitForAibot(draft.text)[0] ?? '';
      for (const stream of await path.openStreams(to, draft.replyTo)) await streams.draft(stream.streamId, content);
    },
  };
}

import type { Redis } from 'ioredis';
import type { WebAccount } from './config.ts';
import { sessionsRevokedBefore } from '../../customers/session-revocations.ts';
import type { Database } from '../../db/connect.ts';
import { DeliveryError } from '../../errors.ts';
import type { Logger } from '../../observability/logger.ts';
import type { Metrics } from '../../observability/metrics.ts';
import type { AcceptInbound, Channel } from '../types.ts';
import { registerWebApiRoutes } from './api-routes.ts';
import { StreamHub } from './stream-hub.ts';
import { createUploadStore } from './uploads.ts';
import { createVisitorBudgets, exportBudgetLimits } from './visitor-budgets.ts';
import { createVisitorTokenBudget } from './visitor-token-budget.ts';
import { mergeVisitorHistory } from '../../conversations/merge-visitor-history.ts';
import { createVisitorMessages } from './visitor-messages.ts';
import { registerWidgetAssetRoutes } from './widget-assets.ts';
import { deriveWidgetKeys, type ResolvedWebAccount } from './widget-keys.ts';

export interface WebChannelDeps {
  accounts: WebAccount[];
  /** The secret of accounts configured without one (read or generated only where routes are served). */
  fallbackSecret: () => string;
  sessionTtlSeconds: number;
  db: Database;
  /** Commands and publishing (keyPrefix applied). */
  redis: Redis;
  /** A connection in subscriber mode; only processes that serve streams (the API) have one. */
  subscriber?: Redis;
  redisPrefix: string;
  accept: AcceptInbound;
  logger: Logger;
  metrics: Metrics;
  /** Public id of the widget shown on the demo page at GET /, if the demo is on. */
  demoPublicId?: string;
  heartbeatMs?: number;
  /** An open stream is ended after this long (WEB_CHAT_STREAM_MAX_S) so the visitor is checked again. */
  streamMaxLifetimeMs: number;
  /** Event streams this process holds open at most (WEB_CHAT_MAX_STREAMS). */
  maxStreams: number;
  /** The greeting the widget opens with, read at each new session so a change shows without a restart; none = the widget's own. */
  greeting?: (accountName: string) => string | undefined;
}

/**
 * The web chat widget channel: visitors write through the widget's API; "sending" a reply means
 * publishing the stored message to the visitor's stream, wherever their connection is held. The
 * messages table is the record: history and reconnects read it, so a visitor offline when the
 * reply was sent sees it when they come back.
 */
export function createWebChannel(deps: WebChannelDeps): Channel {
  const hub = new StreamHub(deps.redis, deps.subscriber, deps.redisPrefix, deps.logger);
  const messages = createVisitorMessages(deps.db);
  const openStreams = new Set<() => void>();
  exportBudgetLimits(deps.metrics, deps.accounts, deps.maxStreams);
  return {
    kind: 'web',
    showsStaffChanges: true,
    accounts: () =>
      deps.accounts.map((a) => ({
        name: a.name,
        settings: { publicId: a.publicId, allowedOrigins: a.allowedOrigins, ...(a.knowledgeBase && { knowledgeBase: a.knowledgeBase }) },
      })),
    registerRoutes(router) {
      registerWidgetAssetRoutes(router, { demoPublicId: deps.demoPublicId });
      const resolve = ({ secret, ...a }: WebAccount): ResolvedWebAccount => ({
        ...a,
        keys: deriveWidgetKeys(secret ?? deps.fallbackSecret()),
      });
      const uploads = createUploadStore(deps.db, messages.accountId);
      registerWebApiRoutes(router, {
        accounts: deps.accounts,
        resolve,
        redis: deps.redis,
        hub,
        messages,
        uploads,
        budgets: createVisitorBudgets({
          redis: deps.redis,
          uploads,
          metrics: deps.metrics,
          logger: deps.logger,
          maxStreams: deps.maxStreams,
        }),
        mergeVisitors: async (accountName, anonymousId, userId) =>
          mergeVisitorHistory(deps.db, await messages.accountId(accountName), anonymousId, userId),
        revokedBefore: async (accountName, externalId) =>
          sessionsRevokedBefore(deps.db, { channelAccountId: await messages.accountId(accountName), externalId }),
        sessionTtlSeconds: deps.sessionTtlSeconds,
        greeting: deps.greeting ?? (() => undefined),
        accept: deps.accept,
        logger: deps.logger,
        metrics: deps.metrics,
        stream: { heartbeatMs: deps.heartbeatMs ?? 15_000, maxLifetimeMs: deps.streamMaxLifetimeMs, open: openStreams },
      });
    },
    sender: {
      // The widget shows a reply whole, however long; the stored message is the unit.
      splitText: (text) => [text],
      async sendText(to, _text, deliveryId) {
        const message = await messages.forDelivery(deliveryId);
        if (!message) throw new DeliveryError(false, 'web:no_message', `delivery ${deliveryId} has no stored message`);
        try {
          // Nobody listening is fine: the visitor reads it from history when they return.
          await hub.publish(to.accountName, to.customerExternalId, { type: 'message', message });
        } catch (err) {
          throw new DeliveryError(true, 'web:redis_unavailable', `could not publish to the visitor's stream: ${(err as Error).message}`);
        }
        return { platformMessageId: String(message.id) };
      },
    },
    // The worker took up the visitor's messages: show the bot typing until its reply arrives.
    async onTurnStart(to) {
      await hub.publish(to.accountName, to.customerExternalId, { type: 'typing', from: 'bot', active: true });
    },
    // The reply as the model writes it; the stored message that follows replaces it (docs/channels.md).
    async onDraft(to, draft) {
      await hub.publish(to.accountName, to.customerExternalId, { type: 'delta', from: 'bot', ...draft });
    },
    // Only visitors with the widget open get a broadcast: one whose page is closed would find it in
    // the history of a chat they did not start, unasked.
    broadcasts: {
      reach: 'open_session',
      connected: async (to) =>
        (await hub.listening(to.map((t) => ({ accountName: t.accountName, visitorId: t.customerExternalId })))).map((n) => n > 0),
      async send(to, _text, messageId) {
        const message = await messages.byId(messageId);
        if (!message) throw new DeliveryError(false, 'web:no_message', `broadcast message ${messageId} is not stored`);
        try {
          await hub.publish(to.accountName, to.customerExternalId, { type: 'message', message });
        } catch (err) {
          throw new DeliveryError(false, 'web:redis_unavailable', `could not publish to the visitor's stream: ${(err as Error).message}`);
        }
        return { platformMessageId: String(message.id) };
      },
    },
    modelBudget: createVisitorTokenBudget(deps.redis, deps.accounts, deps.metrics),
    async endLiveConnections() {
      for (const end of [...openStreams]) end();
    },
  };
}

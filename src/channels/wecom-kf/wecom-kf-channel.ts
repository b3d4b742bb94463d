import type { ConnectionOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { WecomKfAccount } from './config.ts';
import type { ConversationEvents } from '../../conversations/conversation-events.ts';
import type { Database } from '../../db/connect.ts';
import type { Logger } from '../../observability/logger.ts';
import type { Metrics } from '../../observability/metrics.ts';
import type { CallbackLimits } from '../shared/wx-callback.ts';
import type { AcceptInbound, Channel, OutboundRecipient } from '../types.ts';
import type { WecomApiClient } from '../shared/wecom-api-client.ts';
import { createKfApiClient } from './kf-api-client.ts';
import { registerKfCallbackRoutes } from './callback-routes.ts';
import { broadcastMsgId, sendKfText, sendKfTextWithId, splitForKf } from './send-messages.ts';
import { recordServicerSessionChange } from '../../conversations/servicer-activity.ts';
import { kfReplyWindow } from './reply-window.ts';
import { listOnDutyServicers, transferToHuman, transferToServicer } from './service-state.ts';
import { createKfSyncQueue, type KfSyncJob, startKfSyncWorker } from './sync-worker.ts';
import { accountLookup, byName } from '../account-lookup.ts';

export interface WecomKfChannelDeps {
  accounts: WecomKfAccount[];
  db: Database;
  redis: Redis;
  /** A connection for the sync queue (BullMQ: no ioredis keyPrefix). */
  queueConnection: ConnectionOptions;
  redisPrefix: string;
  metrics: Metrics;
  logger: Logger;
  limits: CallbackLimits;
  accept: AcceptInbound;
  events: ConversationEvents;
  /** The sync queue's and worker's Redis errors: the process's Redis error log, rate-limited. */
  onRedisError: (source: string, err: Error) => void;
}

export interface WecomKfChannel extends Channel {
  /** Runs kf/sync_msg jobs (worker roles); returns the stop function. */
  startSyncWorker(connection: ConnectionOptions): () => Promise<void>;
  /** The sync queue, for the operator's views (queue board, `npm run queue`). */
  syncQueue: Queue<KfSyncJob>;
  close(): Promise<void>;
}

/**
 * WeCom Customer Service (微信客服): callbacks announce messages, a sync job fetches them with
 * kf/sync_msg into the pipeline, replies (the bot's and our console's) go out with kf/send_msg while
 * the session is in state 1, and a conversation can be handed to a servicer in the WeCom client
 * (state 3): by the console, or at every handoff when the account names a servicer.
 */
export function createWecomKfChannel(deps: WecomKfChannelDeps): WecomKfChannel {
  const lookUp = accountLookup(deps.accounts, byName, (a) =>
    createKfApiClient(a, deps.redis, () => deps.metrics.tokenRefreshes.inc({ channel: 'wecom-kf' })),
  );
  const clients = { get: (name: string) => lookUp(name)?.made };
  const accountsByName = { get: (name: string) => lookUp(name)?.account };
  const clientFor = (to: OutboundRecipient): WecomApiClient => {
    const client = clients.get(to.accountName);
    if (!client) throw new Error(`no WeCom kf account named "${to.accountName}" is configured`);
    return client;
  };
  const queue = createKfSyncQueue(deps.queueConnection, deps.redisPrefix);
  queue.on('error', (err) => deps.onRedisError('kf sync queue', err));

  return {
    kind: 'wecom-kf',
    accounts: () =>
      deps.accounts.map((a) => ({
        name: a.name,
        settings: {
          corpId: a.corpId,
          servicerUserId: a.servicerUserId ?? null,
          ...(a.knowledgeBase && { knowledgeBase: a.knowledgeBase }),
        },
      })),
    registerRoutes: (router) => registerKfCallbackRoutes(router, { ...deps, queue }),
    sender: {
      splitText: splitForKf,
      sendText: (to, text, deliveryId) => sendKfText(clientFor(to), to, text, deliveryId),
    },
    onHandoff: async (to) => {
      const servicerUserId = await transferToHuman(clientFor(to), accountsByName.get(to.accountName)!, to);
      // WeCom reports no session_status_change for the API's own trans: the conversation learns
      // who holds it here, so our console does not try to send in state 3.
      if (servicerUserId)
        await recordServicerSessionChange(deps, {
          channel: 'wecom-kf',
          ...to,
          change: { kind: 'handed_over', servicerUserId },
          sentAt: new Date(),
        });
    },
    replyWindow: kfReplyWindow,
    // Broadcasts are kf/send_msg too: only in the window and its 5-message quota (send-messages.ts).
    broadcasts: {
      reach: 'reply_window',
      send: (to, text, messageId) => sendKfTextWithId(clientFor(to), to, text, broadcastMsgId(messageId, to, text)),
    },
    servicers: {
      onDuty: (to) => listOnDutyServicers(clientFor(to), to),
      handOver: (to, servicerUserId) => transferToServicer(clientFor(to), to, servicerUserId),
    },
    startSyncWorker: (connection) =>
      startKfSyncWorker({
        connection,
        prefix: deps.redisPrefix,
        queue,
        redis: deps.redis,
        db: deps.db,
        logger: deps.logger,
        onError: (err) => deps.onRedisError('kf sync worker', err),
        syncDepsFor: (name) => {
          const account = accountsByName.get(name);
          const client = clients.get(name);
          return account && client
            ? { db: deps.db, client, account, accept: deps.accept, events: deps.events, logger: deps.logger }
            : undefined;
        },
      }),
    syncQueue: queue,
    close: () => queue.close(),
  };
}

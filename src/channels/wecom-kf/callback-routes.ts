import type Router from '@koa/router';
import type { Queue } from 'bullmq';
import type { Context } from 'koa';
import type { WecomKfAccount } from './config.ts';
import type { Database } from '../../db/connect.ts';
import { RejectedRequestError, UnavailableError } from '../../errors.ts';
import type { Logger } from '../../observability/logger.ts';
import type { Metrics } from '../../observability/metrics.ts';
import { answerUrlVerification, openEncryptedCallback, type CallbackLimits } from '../shared/wx-callback.ts';
import type { CallbackCryptoKeys } from '../shared/wxbiz-msg-crypt.ts';
import { storableText } from '../shared/storable-text.ts';
import { field, requiredField } from '../shared/wx-xml.ts';
import { enqueueKfSync, type KfSyncJob } from './sync-worker.ts';
import { requestSync } from './sync-state.ts';
import { accountLookup, byName } from '../account-lookup.ts';

export interface KfRouteDeps {
  accounts: WecomKfAccount[];
  db: Database;
  queue: Queue<KfSyncJob>;
  limits: CallbackLimits;
  metrics: Metrics;
  logger: Logger;
}

/**
 * GET and POST /callbacks/wecom-kf/:account — the 回调配置 URL of 微信客服 API access
 * (接收消息和事件 https://developer.work.weixin.qq.com/document/path/94670). Callbacks are encrypted
 * for the corp (receiveid = corpid) like the WeCom app's. The only event is kf_msg_or_event with a
 * Token and OpenKfId: it carries no message, it says "call sync_msg". We record that durably (the
 * database row) and answer; the sync job fetches the messages.
 */
export function registerKfCallbackRoutes(router: Router, deps: KfRouteDeps): void {
  const lookUp = accountLookup(
    deps.accounts,
    byName,
    (a: WecomKfAccount): CallbackCryptoKeys => ({
      token: a.token,
      encodingAesKey: a.encodingAesKey,
      receiveId: a.corpId,
    }),
  );
  const accountFor = (ctx: Context) => {
    const hit = lookUp(String(ctx.params.account));
    const found = hit && { account: hit.account, keys: hit.made };
    if (!found)
      throw new RejectedRequestError('unknown_account', `no WeCom kf account named "${String(ctx.params.account)}" is configured`, 404);
    return found;
  };

  router.get('/callbacks/wecom-kf/:account', (ctx) => {
    answerUrlVerification(ctx, accountFor(ctx).keys, deps.limits);
  });

  router.post('/callbacks/wecom-kf/:account', async (ctx) => {
    const channel = 'wecom-kf';
    const stopTimer = deps.metrics.ackLatency.startTimer({ channel });
    try {
      const { account, keys } = accountFor(ctx);
      const doc = await openEncryptedCallback(ctx, keys, deps.limits);
      let result = 'ignored';
      if (field(doc, 'MsgType') === 'event' && field(doc, 'Event') === 'kf_msg_or_event') {
        const token = storableText(requiredField(doc, 'Token'));
        const openKfId = storableText(requiredField(doc, 'OpenKfId'));
        let generation: number;
        try {
          generation = await requestSync(deps.db, account.name, openKfId, token);
        } catch (err) {
          deps.logger.error({ err, account: account.name }, 'could not record a kf sync request');
          throw new UnavailableError('the sync request could not be stored; WeCom will retry', { cause: err });
        }
        // Recorded, so not lost: the sweep queues it if this add fails.
        await enqueueKfSync(deps.queue, { accountName: account.name, openKfId, generation }).catch((err) =>
          deps.logger.warn({ err, account: account.name }, 'kf sync recorded but not queued; the sweep will queue it'),
        );
        result = 'accepted';
      }
      ctx.status = 200;
      ctx.body = '';
      deps.metrics.callbacks.inc({ channel, result });
      stopTimer();
    } catch (err) {
      deps.metrics.callbacks.inc({ channel, result: err instanceof RejectedRequestError ? err.code : 'error' });
      throw err;
    }
  });
}

import type Router from '@koa/router';
import type { Context } from 'koa';
import type { WechatMpAccount } from './config.ts';
import { RejectedRequestError } from '../../errors.ts';
import type { Logger } from '../../observability/logger.ts';
import type { Metrics } from '../../observability/metrics.ts';
import { runCallback, type CallbackLimits } from '../shared/wx-callback.ts';
import type { AcceptInbound, MassSendReport } from '../types.ts';
import type { WechatMpApiClient } from './api-client.ts';
import { parseWxMessage } from '../shared/wx-message.ts';
import { massSendReportOf } from './mass-sends.ts';
import { answerMpUrlVerification, openMpCallback } from './verify-callback.ts';

export interface MpRouteDeps {
  accounts: WechatMpAccount[];
  clients: { get(name: string): WechatMpApiClient | undefined };
  limits: CallbackLimits;
  metrics: Metrics;
  logger: Logger;
  accept: AcceptInbound;
  /** Sends the configured welcome after a new follower's subscribe event was stored. */
  onSubscribed: (account: WechatMpAccount, openid: string) => void;
  /** Records what WeChat says of a finished mass send; never a customer's message (it comes from 群发助手). */
  onMassSendFinished: (report: MassSendReport) => Promise<void>;
}

/**
 * GET and POST /callbacks/wechat-mp/:account — the URL set under 设置与开发 → 基本配置 → 服务器配置
 * (https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Access_Overview.html).
 * The answer is an empty 200 once the message is stored ("直接回复空串" is a valid answer, 被动回复
 * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Passive_user_reply_message.html);
 * replies go out later through custom/send.
 */
export function registerMpCallbackRoutes(router: Router, deps: MpRouteDeps): void {
  // Looked up per request: accounts added in the console while running are in the list.
  const accountFor = (ctx: Context): WechatMpAccount => {
    const account = deps.accounts.find((a) => a.name === String(ctx.params.account));
    if (!account)
      throw new RejectedRequestError('unknown_account', `no Official Account named "${String(ctx.params.account)}" is configured`, 404);
    return account;
  };

  router.get('/callbacks/wechat-mp/:account', (ctx) => {
    answerMpUrlVerification(ctx, accountFor(ctx), deps.limits);
  });

  router.post('/callbacks/wechat-mp/:account', async (ctx) => {
    const account = accountFor(ctx);
    const accept: AcceptInbound = async (message) => {
      const result = await deps.accept(message);
      if (result.outcome === 'accepted' && message.content.type === 'event' && message.content.event === 'subscribe') {
        deps.onSubscribed(account, message.customerExternalId);
      }
      return result;
    };
    // Media (image, voice, video) is stored with its MediaId only; the worker fetches the file
    // after the ack (download-media.ts): WeChat retries a callback not answered within 5 s.
    await runCallback(ctx, 'wechat-mp', deps.metrics, accept, async () => {
      const message = parseWxMessage(await openMpCallback(ctx, account, deps.limits), 'wechat-mp', account.name);
      // 事件推送群发结果 (src/channels/wechat-mp/mass-sends.ts): stored on the mass send, not as a message.
      if (message.content.type === 'event' && message.content.event === 'MASSSENDJOBFINISH') {
        await deps.onMassSendFinished(massSendReportOf(account.name, message.content.detail ?? {}));
        return undefined;
      }
      return message;
    });
  });
}

import type Router from '@koa/router';
import type { Context } from 'koa';
import type { WecomAccount } from './config.ts';
import { RejectedRequestError } from '../../errors.ts';
import type { Metrics } from '../../observability/metrics.ts';
import { answerUrlVerification, openEncryptedCallback, runCallback, type CallbackLimits } from '../shared/wx-callback.ts';
import type { CallbackCryptoKeys } from '../shared/wxbiz-msg-crypt.ts';
import type { AcceptInbound } from '../types.ts';
import { parseWxMessage } from '../shared/wx-message.ts';

/**
 * GET and POST /callbacks/wecom/:account — the URL configured as the app's 接收消息 server
 * (https://developer.work.weixin.qq.com/document/path/90930): GET verifies the URL once, POST
 * delivers each message or event.
 */
export function registerWecomCallbackRoutes(
  router: Router,
  deps: { accounts: WecomAccount[]; limits: CallbackLimits; metrics: Metrics; accept: AcceptInbound },
): void {
  const keysByName = new Map<string, CallbackCryptoKeys>(
    deps.accounts.map((a) => [a.name, { token: a.token, encodingAesKey: a.encodingAesKey, receiveId: a.corpId }]),
  );
  const keysFor = (ctx: Context): { name: string; keys: CallbackCryptoKeys } => {
    const name = String(ctx.params.account);
    const keys = keysByName.get(name);
    if (!keys) throw new RejectedRequestError('unknown_account', `no WeCom app named "${name}" is configured`, 404);
    return { name, keys };
  };

  router.get('/callbacks/wecom/:account', (ctx) => {
    answerUrlVerification(ctx, keysFor(ctx).keys, deps.limits);
  });

  router.post('/callbacks/wecom/:account', async (ctx) => {
    const { name, keys } = keysFor(ctx);
    await runCallback(ctx, 'wecom', deps.metrics, deps.accept, async () =>
      parseWxMessage(await openEncryptedCallback(ctx, keys, deps.limits), 'wecom', name),
    );
  });
}

import type { Redis } from 'ioredis';
import type { WecomAccount } from './config.ts';
import { DeliveryError } from '../../errors.ts';
import type { Metrics } from '../../observability/metrics.ts';
import type { CallbackLimits } from '../shared/wx-callback.ts';
import type { AcceptInbound, Channel } from '../types.ts';
import { WecomApiClient } from '../shared/wecom-api-client.ts';
import { registerWecomCallbackRoutes } from './callback-routes.ts';
import { sendWecomText } from './send-text.ts';
import { splitForWecom } from './split-text.ts';

export interface WecomChannelDeps {
  accounts: WecomAccount[];
  redis: Redis;
  metrics: Metrics;
  limits: CallbackLimits;
  accept: AcceptInbound;
}

/** The WeCom self-built app channel (企业微信自建应用): callbacks in, message/send out. */
export function createWecomChannel(deps: WecomChannelDeps): Channel {
  const clients = new Map(
    deps.accounts.map((a) => [
      a.name,
      new WecomApiClient(a, {
        redis: deps.redis,
        tokenKey: `wecom:token:${a.corpId}:${a.agentId}`,
        codePrefix: 'wecom',
        onTokenFetched: () => deps.metrics.tokenRefreshes.inc({ channel: 'wecom' }),
      }),
    ]),
  );
  const accountsByName = new Map(deps.accounts.map((a) => [a.name, a]));
  return {
    kind: 'wecom',
    accounts: () =>
      deps.accounts.map((a) => ({
        name: a.name,
        settings: { corpId: a.corpId, agentId: a.agentId, ...(a.knowledgeBase && { knowledgeBase: a.knowledgeBase }) },
      })),
    registerRoutes: (router) => registerWecomCallbackRoutes(router, deps),
    sender: {
      splitText: splitForWecom,
      sendText: (to, text, deliveryId) => {
        const account = accountsByName.get(to.accountName);
        const client = clients.get(to.accountName);
        // A conversation of an app since removed from the configuration cannot be answered: permanent.
        if (!account || !client)
          throw new DeliveryError(false, 'config:unknown_account', `no WeCom app named "${to.accountName}" is configured`);
        return sendWecomText(client, account, deps.redis, to, text, deliveryId);
      },
    },
  };
}

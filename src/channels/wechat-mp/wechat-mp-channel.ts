import type { Redis } from 'ioredis';
import type { WechatMpAccount } from './config.ts';
import type { Logger } from '../../observability/logger.ts';
import type { Metrics } from '../../observability/metrics.ts';
import type { CallbackLimits } from '../shared/wx-callback.ts';
import { splitUtf8Text } from '../shared/split-utf8-text.ts';
import type { AcceptInbound, Channel, OutboundRecipient } from '../types.ts';
import { WechatMpApiClient } from './api-client.ts';
import { createMpUserTags } from './user-tags.ts';
import { createMpMassSends } from './mass-sends.ts';
import { registerMpCallbackRoutes } from './callback-routes.ts';
import { downloadMedia } from './download-media.ts';
import { mpReplyWindow } from './reply-window.ts';
import { MP_TEXT_MAX_BYTES, sendMpText, sendMpTyping } from './send-text.ts';
import { accountLookup, byName } from '../account-lookup.ts';

export interface WechatMpChannelDeps {
  accounts: WechatMpAccount[];
  redis: Redis;
  metrics: Metrics;
  logger: Logger;
  limits: CallbackLimits;
  accept: AcceptInbound;
}

/**
 * The Official Account channel (公众号): callbacks in any of the three message modes, replies
 * through custom/send, "typing" while the brain works, a welcome text to new followers.
 */
export function createWechatMpChannel(deps: WechatMpChannelDeps): Channel {
  // Why plain mode is risky: src/channels/wechat-mp/config.ts (refusePlainModeAccounts).
  for (const a of deps.accounts.filter((account) => !account.encodingAesKey)) {
    deps.logger.warn(
      { account: a.name },
      'Official Account in plain mode (明文模式): message bodies are not signed, so a captured callback URL can carry a forged message within the replay window; set an EncodingAESKey and use safe mode',
    );
  }
  const lookUp = accountLookup(
    deps.accounts,
    byName,
    (a) => new WechatMpApiClient(a, deps.redis, () => deps.metrics.tokenRefreshes.inc({ channel: 'wechat-mp' })),
  );
  const clients = { get: (name: string) => lookUp(name)?.made };
  const clientFor = (to: OutboundRecipient): WechatMpApiClient => {
    const client = clients.get(to.accountName);
    if (!client) throw new Error(`no Official Account named "${to.accountName}" is configured`);
    return client;
  };

  // The welcome goes straight through custom/send rather than the conversation pipeline: it answers
  // an event (the pipeline answers messages), and the follow quota lasts only 1 minute. Best effort:
  // a failure is logged and counted, and the follower simply gets no welcome.
  const onSubscribed = (account: WechatMpAccount, openid: string) => {
    if (!account.welcomeText) return;
    const to = { accountName: account.name, customerExternalId: openid };
    sendMpText(clients.get(account.name)!, to, account.welcomeText).then(
      () => deps.metrics.sends.inc({ channel: 'wechat-mp', result: 'sent', code: 'welcome' }),
      (err) => {
        deps.metrics.sends.inc({ channel: 'wechat-mp', result: 'failed', code: 'welcome' });
        deps.logger.warn({ err, account: account.name }, 'welcome message not sent');
      },
    );
  };

  const massSends = createMpMassSends(
    (name) => lookUp(name)?.account,
    (accountName) => clientFor({ accountName, customerExternalId: '' }),
  );

  return {
    kind: 'wechat-mp',
    accounts: () =>
      deps.accounts.map((a) => ({
        name: a.name,
        settings: {
          appId: a.appId,
          mode: a.encodingAesKey ? 'encrypted' : 'plain',
          ...(a.knowledgeBase && { knowledgeBase: a.knowledgeBase }),
        },
      })),
    registerRoutes: (router) =>
      registerMpCallbackRoutes(router, { ...deps, clients, onSubscribed, onMassSendFinished: massSends.finished }),
    sender: {
      splitText: (text) => splitUtf8Text(text, MP_TEXT_MAX_BYTES),
      sendText: async (to, text) => sendMpText(clientFor(to), to, text),
    },
    onTurnStart: async (to) => sendMpTyping(clientFor(to), to),
    replyWindow: mpReplyWindow,
    // To one follower inside their 48-hour window: custom/send, counted in its quota (send-text.ts).
    broadcasts: { reach: 'reply_window', send: async (to, text) => sendMpText(clientFor(to), to, text) },
    fetchMedia: (accountName, mediaId) => downloadMedia(clientFor({ accountName, customerExternalId: '' }), mediaId),
    customerTags: createMpUserTags((accountName) => clientFor({ accountName, customerExternalId: '' })),
    // To the followers carrying one user tag: one message/mass/sendall (src/broadcasts/send-oa-mass-sends.ts).
    massSends,
  };
}

import type { Redis } from 'ioredis';
import type { WecomAccount } from './config.ts';
import { DeliveryError } from '../../errors.ts';
import type { Logger } from '../../observability/logger.ts';
import type { Metrics } from '../../observability/metrics.ts';
import type { CallbackLimits } from '../shared/wx-callback.ts';
import type { AcceptInbound, Channel } from '../types.ts';
import { accountLookup, byName } from '../account-lookup.ts';
import { WecomApiClient } from '../shared/wecom-api-client.ts';
import { registerWecomCallbackRoutes } from './callback-routes.ts';
import { throttledContactApi } from './contact-api.ts';
import { createCorpTagLibrary } from './corp-tag-library.ts';
import { createWecomContacts, createWecomContactTags } from './external-contacts.ts';
import { createWecomGroupSends } from './group-sends.ts';
import { sendWecomStaffNotice } from './send-staff-notice.ts';
import { sendWecomText } from './send-text.ts';
import { splitForWecom } from './split-text.ts';

export interface WecomChannelDeps {
  accounts: WecomAccount[];
  redis: Redis;
  metrics: Metrics;
  logger: Logger;
  limits: CallbackLimits;
  accept: AcceptInbound;
}

/** The WeCom self-built app channel (企业微信自建应用): callbacks in, message/send out. */
export function createWecomChannel(deps: WecomChannelDeps): Channel {
  const lookUp = accountLookup(
    deps.accounts,
    byName,
    (a) =>
      new WecomApiClient(a, {
        redis: deps.redis,
        tokenKey: `wecom:token:${a.corpId}:${a.agentId}`,
        codePrefix: 'wecom',
        onTokenFetched: () => deps.metrics.tokenRefreshes.inc({ channel: 'wecom' }),
      }),
  );
  const accountAndClient = (name: string) => {
    const found = lookUp(name);
    // A conversation of an app since removed from the configuration cannot be answered: permanent.
    if (!found) throw new DeliveryError(false, 'config:unknown_account', `no WeCom app named "${name}" is configured`);
    return { account: found.account, client: found.made };
  };
  // The company's corp tags are one library, and its external contacts one list: synced through
  // the first app, and the contacts kept as its customers (docs/marketing.md).
  const tagAccount = deps.accounts[0];
  const tagClient = tagAccount && accountAndClient(tagAccount.name).client;
  const tagLibrary = tagAccount && createCorpTagLibrary(tagAccount.name, tagAccount.corpId, tagClient!, deps.redis);
  const contactApi = tagAccount && throttledContactApi(tagAccount.corpId, tagClient!, deps.redis);
  const contacts = tagAccount && createWecomContacts(tagAccount.name, contactApi!);
  return {
    kind: 'wecom',
    accounts: () =>
      deps.accounts.map((a) => ({
        name: a.name,
        settings: { corpId: a.corpId, agentId: a.agentId, ...(a.knowledgeBase && { knowledgeBase: a.knowledgeBase }) },
      })),
    registerRoutes: (router) =>
      registerWecomCallbackRoutes(router, {
        ...deps,
        onCorpTagsChanged: () => tagLibrary?.changed(),
        onContactChanged: async (externalUserId) => contacts?.changed(externalUserId),
      }),
    sender: {
      splitText: splitForWecom,
      sendText: (to, text, deliveryId) => {
        const { account, client } = accountAndClient(to.accountName);
        return sendWecomText(client, account, deps.redis, to, text, deliveryId);
      },
    },
    ...(tagLibrary && { tagLibrary }),
    ...(contacts && {
      contacts,
      customerTags: createWecomContactTags(contacts, contactApi!),
      groupSends: createWecomGroupSends(contacts.accountName, contactApi!),
    }),
    async notifyStaff(accountName, memberIds, text, noticeId) {
      const { account, client } = accountAndClient(accountName);
      const { invalidUsers } = await sendWecomStaffNotice(client, account, memberIds, text, noticeId);
      if (invalidUsers.length > 0) deps.logger.warn({ invalidUsers }, 'WeCom knows no member by these linked UserIDs; fix the links');
    },
  };
}

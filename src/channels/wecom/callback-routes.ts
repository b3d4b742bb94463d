import type Router from '@koa/router';
import type { Context } from 'koa';
import type { WecomAccount } from './config.ts';
import { RejectedRequestError } from '../../errors.ts';
import { accountLookup, byName } from '../account-lookup.ts';
import type { Metrics } from '../../observability/metrics.ts';
import { answerUrlVerification, openEncryptedCallback, runCallback, type CallbackLimits } from '../shared/wx-callback.ts';
import type { CallbackCryptoKeys } from '../shared/wxbiz-msg-crypt.ts';
import type { AcceptInbound } from '../types.ts';
import { parseWxMessage } from '../shared/wx-message.ts';
import { field } from '../shared/wx-xml.ts';

/** The 客户联系 callback events, which carry ids only: none is a customer's message. */
const CONTACT_EVENTS = new Set(['change_external_tag', 'change_external_contact', 'change_external_chat']);

/**
 * GET and POST /callbacks/wecom/:account — the URL configured as the app's 接收消息 server
 * (https://developer.work.weixin.qq.com/document/path/90930): GET verifies the URL once, POST
 * delivers each message or event.
 */
export function registerWecomCallbackRoutes(
  router: Router,
  deps: {
    accounts: WecomAccount[];
    limits: CallbackLimits;
    metrics: Metrics;
    accept: AcceptInbound;
    /** The corp tag library changed (change_external_tag). */
    onCorpTagsChanged: () => void;
    /** An external contact changed (change_external_contact): resolves once the re-fetch is queued. */
    onContactChanged: (externalUserId: string) => Promise<void>;
  },
): void {
  const lookUp = accountLookup(
    deps.accounts,
    byName,
    (a): CallbackCryptoKeys => ({
      token: a.token,
      encodingAesKey: a.encodingAesKey,
      receiveId: a.corpId,
    }),
  );
  const keysFor = (ctx: Context): { name: string; keys: CallbackCryptoKeys } => {
    const name = String(ctx.params.account);
    const keys = lookUp(name)?.made;
    if (!keys) throw new RejectedRequestError('unknown_account', `no WeCom app named "${name}" is configured`, 404);
    return { name, keys };
  };

  router.get('/callbacks/wecom/:account', (ctx) => {
    answerUrlVerification(ctx, keysFor(ctx).keys, deps.limits);
  });

  router.post('/callbacks/wecom/:account', async (ctx) => {
    const { name, keys } = keysFor(ctx);
    await runCallback(ctx, 'wecom', deps.metrics, deps.accept, async () => {
      const doc = await openEncryptedCallback(ctx, keys, deps.limits);
      // 客户联系 events come from `sys`, not from a person: none is a customer's message
      // (https://developer.work.weixin.qq.com/document/path/92130). change_external_tag carries only
      // the changed id (Id, TagType, ChangeType), so the library is synced again as a whole.
      //
      // change_external_contact (add/edit/del_external_contact, del_follow_user, …) carries UserID and
      // ExternalUserID only (https://developer.work.weixin.qq.com/document/path/92130): the contact is
      // fetched again by a job. Queued before the answer, so a failure to queue is a 5xx WeCom retries;
      // never fetched here, so the callback stays fast.
      const event = field(doc, 'Event');
      if (event === 'change_external_tag') deps.onCorpTagsChanged();
      const contact = event === 'change_external_contact' ? field(doc, 'ExternalUserID') : '';
      if (contact) await deps.onContactChanged(contact);
      if (CONTACT_EVENTS.has(event)) return undefined;
      return parseWxMessage(doc, 'wecom', name);
    });
  });
}

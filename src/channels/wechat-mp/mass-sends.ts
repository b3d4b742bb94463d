import type { MassSendReport, PlatformMassSends } from '../types.ts';
import type { WechatMpApiClient, WechatResponse } from './api-client.ts';
import type { WechatMpAccount } from './config.ts';

/**
 * Official Account mass sends (群发) to a user tag:
 * - message/mass/sendall (根据标签群发消息 https://developers.weixin.qq.com/doc/service/api/notify/message/api_sendall):
 *   {filter: {is_to_all: false, tag_id}, msgtype: text, text: {content}, clientmsgid}; answers
 *   msg_id and msg_data_id once the job is submitted ("send job submission success"). A clientmsgid
 *   used before answers 45065 (clientmsgid exist), so a repeat of one request is refused by WeChat too
 *   (developer community answers on that page's errcode, 2021-12).
 * - The limits (群发 overview https://developers.weixin.qq.com/doc/service/en/guide/product/message/Batch_Sends.html):
 *   a 订阅号 may mass-send once a day; on a 服务号 each user receives at most 4 mass messages a
 *   (natural) month, from the 公众平台 site and the API together, and WeChat filters out users past
 *   that; sendall takes 60 requests a minute.
 * - The tag's followers (获取标签下粉丝列表, user/tag/get, 用户标签管理
 *   https://developers.weixin.qq.com/doc/offiaccount/User_Management/User_Tag_Management.html):
 *   {tagid, next_openid} → {count, data: {openid[]}, next_openid}, up to 10,000 per page.
 * - When the job ends WeChat calls the callback URL with the event MASSSENDJOBFINISH (事件推送群发结果,
 *   same sendall page): MsgID, Status (send success | send fail | err(num)), TotalCount, FilterCount
 *   (after WeChat's filters: region, refusals, users past 4), SentCount, ErrorCount.
 */
export const MP_MASS_SENDS_PER_USER_MONTH = 4;
export const MP_MASS_SENDS_PER_DAY = 1;

export function createMpMassSends(
  accountFor: (accountName: string) => WechatMpAccount | undefined,
  clientFor: (accountName: string) => WechatMpApiClient,
): PlatformMassSends & { finished(report: MassSendReport): Promise<void> } {
  const listeners: Array<(report: MassSendReport) => Promise<void>> = [];
  return {
    limit(accountName) {
      return accountFor(accountName)?.accountType === 'subscription'
        ? { kind: 'daily', count: MP_MASS_SENDS_PER_DAY }
        : { kind: 'monthly_per_user', count: MP_MASS_SENDS_PER_USER_MONTH };
    },
    async tagFollowers(accountName, tagName) {
      const client = clientFor(accountName);
      // tags/get is a GET: without a body the client sends one (src/lib/http-json.ts).
      const listed = await client.post<WechatResponse & { tags?: Array<{ id: number; name: string }> }>('/cgi-bin/tags/get', undefined);
      const tag = listed.tags?.find((t) => t.name === tagName);
      if (!tag) return null;
      const followers: string[] = [];
      let next = '';
      for (;;) {
        const page = await client.post<WechatResponse & { count?: number; data?: { openid?: string[] }; next_openid?: string }>(
          '/cgi-bin/user/tag/get',
          { tagid: tag.id, next_openid: next },
        );
        const openids = page.data?.openid ?? [];
        followers.push(...openids);
        if (openids.length === 0 || !page.next_openid) break;
        next = page.next_openid;
      }
      return { tagId: String(tag.id), followers };
    },
    async sendToTag(accountName, tagId, text, clientMsgId) {
      const res = await clientFor(accountName).post<WechatResponse & { msg_id?: number | string }>('/cgi-bin/message/mass/sendall', {
        filter: { is_to_all: false, tag_id: Number(tagId) },
        msgtype: 'text',
        text: { content: text },
        clientmsgid: clientMsgId,
      });
      return { msgId: String(res.msg_id ?? '') };
    },
    onFinished: (listener) => void listeners.push(listener),
    async finished(report) {
      for (const listener of listeners) await listener(report);
    },
  };
}

/** The MASSSENDJOBFINISH event's fields (the callback's XML, as parsed into an event's detail) as a report. */
export function massSendReportOf(accountName: string, detail: Record<string, string>): MassSendReport {
  const count = (name: string) => Number(detail[name] ?? 0) || 0;
  return {
    accountName,
    // The page's sample spells it MsgID; parsers in the wild read MsgId too.
    msgId: detail.MsgID ?? detail.MsgId ?? '',
    status: detail.Status ?? '',
    totalCount: count('TotalCount'),
    filterCount: count('FilterCount'),
    sentCount: count('SentCount'),
    errorCount: count('ErrorCount'),
  };
}

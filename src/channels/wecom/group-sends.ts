import type { WecomResponse } from '../shared/wecom-api-client.ts';
import type { GroupSendOutcome, PlatformGroupSends } from '../types.ts';
import type { ContactApi } from './contact-api.ts';

/**
 * WeCom 企业群发 to external contacts:
 * - add_msg_template (https://developer.work.weixin.qq.com/document/path/92135): chat_type `single`,
 *   the sender member and their contacts' external_userid; WeCom sends nothing until the member
 *   confirms the task in the client. Answers the task's msgid and fail_list (contacts it refused).
 *   Each customer receives at most as many group messages a month as the month has days (an admin
 *   may set 7 a week or 1 a day instead), so the limit is WeCom's to apply: a contact over it shows
 *   status 3 in the results.
 * - get_groupmsg_send_result (https://developer.work.weixin.qq.com/document/path/93338): per member,
 *   send_list of {external_userid, status 0 未发送 / 1 已发送 / 2 客户不是好友 / 3 客户已经收到其他群发消息,
 *   send_time}, paged by next_cursor, limit ≤ 1000.
 */

/**
 * Contacts per task. The official page (doc 92135) did not state the cap in the copy we could check;
 * third-party documentation of the same API gives 10,000 per member. Tasks are cut at that size, and a
 * refusal of a smaller cap would show as the task's errcode in the report.
 */
const MAX_PER_TASK = 10_000;
const RESULTS_PAGE = 1000;

const OUTCOMES: Record<number, GroupSendOutcome> = { 0: 'waiting', 1: 'sent', 2: 'not_contact', 3: 'limit_reached' };

export function createWecomGroupSends(accountName: string, api: ContactApi): PlatformGroupSends {
  return {
    accountName,
    maxPerTask: MAX_PER_TASK,
    async create(sender, externalUserIds, text) {
      const res = await api.post<WecomResponse & { msgid: string; fail_list?: string[] }>('/cgi-bin/externalcontact/add_msg_template', {
        chat_type: 'single',
        external_userid: externalUserIds,
        sender,
        text: { content: text },
      });
      return { taskId: res.msgid, failed: res.fail_list ?? [] };
    },
    async results(taskId, sender) {
      const out: Awaited<ReturnType<PlatformGroupSends['results']>> = [];
      let cursor = '';
      do {
        const res = await api.post<
          WecomResponse & {
            send_list?: Array<{ external_userid?: string; status: number; send_time?: number }>;
            next_cursor?: string;
          }
        >('/cgi-bin/externalcontact/get_groupmsg_send_result', { msgid: taskId, userid: sender, limit: RESULTS_PAGE, cursor });
        for (const r of res.send_list ?? [])
          if (r.external_userid)
            out.push({
              externalUserId: r.external_userid,
              outcome: OUTCOMES[r.status] ?? 'waiting',
              ...(r.send_time && { sentAt: new Date(r.send_time * 1000) }),
            });
        cursor = res.next_cursor ?? '';
      } while (cursor);
      return out;
    },
  };
}

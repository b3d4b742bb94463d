import type { WecomAccount } from './config.ts';
import type { WecomApiClient } from '../shared/wecom-api-client.ts';

/**
 * An application message to staff members of the app (发送应用消息,
 * https://developer.work.weixin.qq.com/document/path/90236): one message/send for all of them,
 * `touser` being their UserIDs joined by `|` (at most 1000). WeCom answers errcode 0 even when some
 * UserIDs are unknown, listing them in `invaliduser`: those are returned so the caller can log them.
 * A resend of the same notice is the same JSON within its duplicate-check interval (derived from
 * `noticeId`, as for replies in send-text.ts), so a retried job does not tell anyone twice.
 */
export async function sendWecomStaffNotice(
  client: WecomApiClient,
  account: WecomAccount,
  memberIds: string[],
  text: string,
  noticeId: number,
): Promise<{ invalidUsers: string[] }> {
  const res = await client.post<{ errcode: number; invaliduser?: string }>('/cgi-bin/message/send', {
    touser: memberIds.slice(0, 1000).join('|'),
    msgtype: 'text',
    agentid: account.agentId,
    text: { content: text },
    enable_duplicate_check: 1,
    duplicate_check_interval: 1800 + (noticeId % 1800),
  });
  return { invalidUsers: res.invaliduser ? res.invaliduser.split('|').filter(Boolean) : [] };
}

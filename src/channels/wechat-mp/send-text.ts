import type { OutboundRecipient, SendReceipt } from '../types.ts';
import type { WechatMpApiClient, WechatResponse } from './api-client.ts';

/**
 * 客服消息 https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Service_Center_messages.html
 * - custom/send: text to an openid, allowed after a user action (5 messages within 48 h of a user
 *   message; 3 within 1 min of follow/menu click/scan). 45015 outside the window, 45047 over quota.
 *   There is no duplicate check: a part resent after a crash between request and record can arrive
 *   twice (docs/channels.md says so).
 * - custom/typing: command "Typing" shows "对方正在输入" for up to 15 s, or until we send.
 */
export async function sendMpText(client: WechatMpApiClient, to: OutboundRecipient, text: string): Promise<SendReceipt> {
  await client.post<WechatResponse>('/cgi-bin/message/custom/send', {
    touser: to.customerExternalId,
    msgtype: 'text',
    text: { content: text },
  });
  return {};
}

export async function sendMpTyping(client: WechatMpApiClient, to: OutboundRecipient): Promise<void> {
  await client.post<WechatResponse>('/cgi-bin/message/custom/typing', { touser: to.customerExternalId, command: 'Typing' });
}

/**
 * The text custom/send carries is not capped by bytes on the doc page; we split at 2048 bytes like
 * the other WeChat-family text APIs, so a long answer never meets an undocumented limit.
 */
export const MP_TEXT_MAX_BYTES = 2048;

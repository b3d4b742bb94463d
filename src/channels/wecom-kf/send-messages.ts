import { createHash } from 'node:crypto';
import { splitUtf8Text } from '../shared/split-utf8-text.ts';
import type { OutboundRecipient, SendReceipt } from '../types.ts';
import type { WecomApiClient, WecomResponse } from '../shared/wecom-api-client.ts';
import { parseKfCustomerId } from './customer-id.ts';
import { KF_REPLY_WINDOW } from './reply-window.ts';

/**
 * kf/send_msg (发送消息 https://developer.work.weixin.qq.com/document/path/94677):
 * - allowed while the session is 0 (untreated) or 1 (smart assistant), within 48 h of the
 *   customer's last message and at most 5 messages per customer message;
 * - text.content at most 2048 bytes;
 * - optional `msgid` (≤ 32 bytes, [0-9a-zA-Z_-]): returned as is, and it must be unique within the
 *   kf account or the call fails. We derive it from the delivery, so a part resent after a crash
 *   cannot reach the customer twice: WeCom refuses the second copy (it then ends as a permanent
 *   failure with a human flagged — the doc does not name that errcode, so we cannot tell it from
 *   other refusals). The text and recipient are hashed in so that a database reset, which reuses
 *   delivery ids, does not collide with old msgids.
 */
export const KF_TEXT_MAX_BYTES = 2048;

export function deliveryMsgId(deliveryId: number, to: OutboundRecipient, text: string): string {
  const digest = createHash('sha1').update(`${to.customerExternalId}\n${text}`).digest('hex').slice(0, 12);
  return `kh${deliveryId}_${digest}`;
}

/**
 * A broadcast's msgid: from its stored message (`kb`, apart from the replies' `kh` of deliveries),
 * so even a send repeated by mistake would be refused by WeCom rather than shown twice.
 */
export function broadcastMsgId(messageId: number, to: OutboundRecipient, text: string): string {
  return `kb${deliveryMsgId(messageId, to, text).slice(2)}`;
}

/**
 * Splits for send_msg and keeps within the 5 messages a customer message allows: a reply that
 * would need more is cut at the fifth part (an answer that long belongs in a link anyway).
 */
export function splitForKf(text: string): string[] {
  const parts = splitUtf8Text(text, KF_TEXT_MAX_BYTES);
  if (parts.length <= KF_REPLY_WINDOW.limit) return parts;
  return parts.slice(0, KF_REPLY_WINDOW.limit);
}

export async function sendKfText(client: WecomApiClient, to: OutboundRecipient, text: string, deliveryId: number): Promise<SendReceipt> {
  return sendKfTextWithId(client, to, text, deliveryMsgId(deliveryId, to, text));
}

export async function sendKfTextWithId(client: WecomApiClient, to: OutboundRecipient, text: string, msgid: string): Promise<SendReceipt> {
  const { openKfId, externalUserId } = parseKfCustomerId(to.customerExternalId);
  const res = await client.post<WecomResponse & { msgid?: string }>('/cgi-bin/kf/send_msg', {
    touser: externalUserId,
    open_kfid: openKfId,
    msgid,
    msgtype: 'text',
    text: { content: text },
  });
  return { platformMessageId: res.msgid };
}

/**
 * kf/send_msg_on_event (发送欢迎语等事件响应消息 https://developer.work.weixin.qq.com/document/path/95122):
 * the welcome_code of an enter_session event allows one message within 20 s.
 */
export async function sendKfWelcome(client: WecomApiClient, welcomeCode: string, text: string): Promise<void> {
  await client.post<WecomResponse>('/cgi-bin/kf/send_msg_on_event', { code: welcomeCode, msgtype: 'text', text: { content: text } });
}

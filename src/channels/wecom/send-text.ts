import type { Redis } from 'ioredis';
import type { WecomAccount } from './config.ts';
import { DeliveryError } from '../../errors.ts';
import type { OutboundRecipient, SendReceipt } from '../types.ts';
import type { WecomApiClient } from '../shared/wecom-api-client.ts';

/**
 * message/send for one text part (https://developer.work.weixin.qq.com/document/path/90236).
 *
 * Duplicate check: with enable_duplicate_check = 1 WeCom does not deliver the same request JSON
 * twice within duplicate_check_interval seconds (default 1800, at most 4 h). A part resent after a
 * crash is the same JSON, so the customer sees it once. The interval is derived from the delivery
 * id so that two different deliveries with the same words (the customer asks the same thing twice)
 * are different requests and both arrive, while resends of one delivery stay identical.
 *
 * Per-member limit: one app may send one member at most 30 messages a minute; more are dropped
 * silently (same page, 发送频率). We count per minute in Redis and defer instead of losing.
 */
const PER_MEMBER_PER_MINUTE = 30;

export async function sendWecomText(
  client: WecomApiClient,
  account: WecomAccount,
  redis: Redis,
  to: OutboundRecipient,
  text: string,
  deliveryId: number,
): Promise<SendReceipt> {
  const minute = Math.floor(Date.now() / 60_000);
  const rateKey = `wecom:rate:${account.corpId}:${account.agentId}:${to.customerExternalId}:${minute}`;
  // Counted and given its expiry together, in one round trip (and, on the auto-pipelined commands
  // connection, in one write with the other turns' commands): the expiry is set again on every send
  // of the minute, which keeps the counter at most two minutes after its minute's last send.
  const [sentThisMinute] = await Promise.all([redis.incr(rateKey), redis.expire(rateKey, 120)]);
  if (sentThisMinute > PER_MEMBER_PER_MINUTE) {
    throw new DeliveryError(true, 'wecom:member_rate', 'more than 30 messages a minute to one member', (minute + 1) * 60_000 - Date.now());
  }
  const res = await client.post<{ errcode: number; msgid?: string }>('/cgi-bin/message/send', {
    touser: to.customerExternalId,
    msgtype: 'text',
    agentid: account.agentId,
    text: { content: text },
    enable_duplicate_check: 1,
    duplicate_check_interval: 1800 + (deliveryId % 1800),
  });
  return { platformMessageId: res.msgid };
}

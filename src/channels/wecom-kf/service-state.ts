import type { WecomKfAccount } from './config.ts';
import type { OutboundRecipient } from '../types.ts';
import type { WecomApiClient, WecomResponse } from '../shared/wecom-api-client.ts';
import { parseKfCustomerId } from './customer-id.ts';

/**
 * Session state (分配客服会话 https://developer.work.weixin.qq.com/document/path/94669):
 * 0 untreated, 1 smart assistant (the bot), 2 waiting in the queue, 3 with a servicer, 4 ended.
 * kf/service_state/get reads it, kf/service_state/trans moves it (3 needs servicer_userid).
 */
export const SERVICE_STATE = { untreated: 0, bot: 1, queued: 2, human: 3, ended: 4 } as const;

export async function getServiceState(client: WecomApiClient, to: OutboundRecipient): Promise<{ state: number; servicerUserId?: string }> {
  const { openKfId, externalUserId } = parseKfCustomerId(to.customerExternalId);
  const res = await client.post<WecomResponse & { service_state: number; servicer_userid?: string }>('/cgi-bin/kf/service_state/get', {
    open_kfid: openKfId,
    external_userid: externalUserId,
  });
  return { state: res.service_state, servicerUserId: res.servicer_userid || undefined };
}

/**
 * When our handoff policy flags a conversation, the session moves to WeCom's own routing, so
 * companies keep their agents' WeCom tools: to the configured servicer (3) or the queue (2). A
 * session already queued, with a person or ended is left alone.
 */
export async function transferToHuman(client: WecomApiClient, account: WecomKfAccount, to: OutboundRecipient): Promise<void> {
  const { state } = await getServiceState(client, to);
  if (state !== SERVICE_STATE.untreated && state !== SERVICE_STATE.bot) return;
  const { openKfId, externalUserId } = parseKfCustomerId(to.customerExternalId);
  await client.post<WecomResponse>('/cgi-bin/kf/service_state/trans', {
    open_kfid: openKfId,
    external_userid: externalUserId,
    service_state: account.servicerUserId ? SERVICE_STATE.human : SERVICE_STATE.queued,
    ...(account.servicerUserId ? { servicer_userid: account.servicerUserId } : {}),
  });
}

import type { WecomKfAccount } from './config.ts';
import { DeliveryError, RejectedRequestError } from '../../errors.ts';
import type { ClientServicer, OutboundRecipient } from '../types.ts';
import type { WecomApiClient, WecomResponse } from '../shared/wecom-api-client.ts';
import { parseKfCustomerId } from './customer-id.ts';
import { SERVICER_NOT_ON_DUTY } from './errcodes.ts';

/**
 * Session state (分配客服会话 https://developer.work.weixin.qq.com/document/path/94669):
 * 0 untreated, 1 smart assistant (the bot, and our console), 2 waiting in the queue, 3 with a
 * servicer in the WeCom client, 4 ended. kf/service_state/get reads it, kf/service_state/trans
 * moves it (3 needs servicer_userid, of a servicer on duty).
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
 * On a handoff the session stays in state 1 by default: our console answers through kf/send_msg,
 * which works only in states 0 and 1. An account with `servicerUserId` configured opts into
 * "hand to the WeCom client" instead: the session goes to that servicer (state 3), who answers
 * in WeCom. A session already queued, with a person or ended is left alone. Returns the servicer
 * when the session moved.
 */
export async function transferToHuman(client: WecomApiClient, account: WecomKfAccount, to: OutboundRecipient): Promise<string | undefined> {
  if (!account.servicerUserId) return undefined;
  const { state } = await getServiceState(client, to);
  if (state !== SERVICE_STATE.untreated && state !== SERVICE_STATE.bot) return undefined;
  await transferToServicer(client, to, account.servicerUserId);
  return account.servicerUserId;
}

/**
 * kf/servicer/list (获取接待人员列表 https://developer.work.weixin.qq.com/document/path/94645):
 * GET ?open_kfid= → servicer_list [{userid, status 0 接待中 / 1 停止接待, stop_type}]. Only status 0
 * may be given a session. Members added by department come as department_id entries: no userid.
 */
interface ServicerListResponse extends WecomResponse {
  servicer_list?: Array<{ userid?: string; status?: number; department_id?: number }>;
}

export async function listOnDutyServicers(client: WecomApiClient, to: OutboundRecipient): Promise<ClientServicer[]> {
  const { openKfId } = parseKfCustomerId(to.customerExternalId);
  const res = await client.get<ServicerListResponse>('/cgi-bin/kf/servicer/list', { open_kfid: openKfId });
  return (res.servicer_list ?? []).filter((s) => s.userid && s.status === 0).map((s) => ({ userId: s.userid! }));
}

/** Moves the session to state 3 with that servicer; one who is not on duty is a 409, not a platform failure. */
export async function transferToServicer(client: WecomApiClient, to: OutboundRecipient, servicerUserId: string): Promise<void> {
  const { openKfId, externalUserId } = parseKfCustomerId(to.customerExternalId);
  try {
    await client.post<WecomResponse>('/cgi-bin/kf/service_state/trans', {
      open_kfid: openKfId,
      external_userid: externalUserId,
      service_state: SERVICE_STATE.human,
      servicer_userid: servicerUserId,
    });
  } catch (err) {
    if (err instanceof DeliveryError && err.platformCode === `wecom-kf:${SERVICER_NOT_ON_DUTY}`)
      throw new RejectedRequestError('servicer_not_on_duty', `${servicerUserId} is not on duty (接待中) for this kf account`, 409);
    throw err;
  }
}

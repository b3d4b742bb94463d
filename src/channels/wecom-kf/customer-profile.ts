import { findUnnamedCustomers, saveCustomerProfile } from '../../conversations/customer-profiles.ts';
import type { Database } from '../../db/connect.ts';
import { storableText } from '../shared/storable-text.ts';
import type { WecomApiClient, WecomResponse } from '../shared/wecom-api-client.ts';
import { parseKfCustomerId } from './customer-id.ts';

/**
 * kf/customer/batchget (获取客户基础信息 https://developer.work.weixin.qq.com/document/path/95159):
 * nickname, avatar, gender and unionid of up to 100 external_userids. Fetched once per customer
 * (while display_name is empty) and stored on customers.display_name / profile.
 */
interface BatchGetResponse extends WecomResponse {
  customer_list?: Array<{ external_userid: string; nickname?: string; avatar?: string; gender?: number; unionid?: string }>;
}

export async function fillCustomerProfiles(
  db: Database,
  client: WecomApiClient,
  accountName: string,
  customerIds: string[],
): Promise<number> {
  if (customerIds.length === 0) return 0;
  const unknown = await findUnnamedCustomers(db, 'wecom-kf', accountName, customerIds);
  if (unknown.length === 0) return 0;
  const byExternalUser = new Map(unknown.map((c) => [parseKfCustomerId(c.externalId).externalUserId, c]));
  const res = await client.post<BatchGetResponse>('/cgi-bin/kf/customer/batchget', {
    external_userid_list: [...byExternalUser.keys()].slice(0, 100),
    need_enter_session_context: 0,
  });
  let filled = 0;
  for (const info of res.customer_list ?? []) {
    const customer = byExternalUser.get(info.external_userid);
    if (!customer) continue;
    // A nickname is the customer's own text: made storable like every other platform string.
    const text = (v: string | undefined) => (typeof v === 'string' ? storableText(v) : undefined);
    const profile = { avatar: text(info.avatar), gender: info.gender, unionid: text(info.unionid) };
    await saveCustomerProfile(db, customer.id, text(info.nickname) ?? null, profile);
    filled++;
  }
  return filled;
}

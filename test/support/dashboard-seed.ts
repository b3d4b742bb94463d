import { sql } from 'drizzle-orm';
import { syncChannelAccounts } from '../../src/conversations/channel-accounts.ts';
import type { Database } from '../../src/db/connect.ts';

/**
 * A month of traffic for the dashboard in a few set-based statements: `messages` messages (half the
 * customers', half the bot's replies, each naming the question it answers) in conversations of ten
 * messages, over four channel accounts and 30 days. Of the replies, 8% decline (clarify), 4% hand off
 * (three reasons), the rest answer one of 40 FAQ entries; a third carry model tokens; 1% got a 👎.
 * Every handed-off conversation was answered by a person 10 s to 30 min later.
 */
export async function seedDashboardTraffic(db: Database, messages: number): Promise<void> {
  await syncChannelAccounts(db, [
    { channel: 'wecom', name: 'default', settings: {} },
    { channel: 'wechat-mp', name: 'default', settings: {} },
    { channel: 'wecom-kf', name: 'default', settings: {} },
    { channel: 'web', name: 'default', settings: {} },
  ]);
  const conversations = Math.ceil(messages / 10);
  const accounts = sql`(select array_agg(id order by id) from channel_accounts)`;
  await db.execute(sql`
    insert into customers (channel_account_id, external_id)
    select (${accounts})[1 + i % 4], 'ext-' || i from generate_series(1, ${conversations}) i`);
  // Conversation i starts (i / count) of the way through the last 30 days; every 25th was handed off.
  await db.execute(sql`
    insert into conversations (customer_id, channel_account_id, status, created_at, updated_at, last_message_at, human_since, first_response_at)
    select cu.id, cu.channel_account_id, 'closed', t.at, t.at, t.at + interval '10 minutes',
           case when cu.id % 25 = 0 then t.at + interval '5 minutes' end,
           case when cu.id % 25 = 0 then t.at + interval '5 minutes' + (10 + (cu.id * 7919) % 1790) * interval '1 second' end
    from customers cu
    cross join lateral (select now() - interval '30 days' + (cu.id::float8 / ${conversations}) * interval '30 days' as at) t`);
  await db.execute(sql`
    insert into messages (conversation_id, channel_account_id, direction, sender, kind, text, content, status, created_at, reply_to_id, meta)
    select c.id, c.channel_account_id, case when n % 2 = 0 then 'in' else 'out' end, case when n % 2 = 0 then 'customer' else 'bot' end,
           'text', q.text, jsonb_build_object('type', 'text', 'text', q.text), case when n % 2 = 0 then 'answered' else 'sent' end,
           c.created_at + n * interval '1 minute' + case when n % 2 = 1 then (500 + (c.id * 31 + n) % 4000) * interval '1 millisecond' else interval '0' end,
           null,
           case when n % 2 = 0 then '{}'::jsonb
                when (c.id * 5 + n) % 25 = 0 then jsonb_build_object('handoffReason', (array['no_answer','customer_asked','complaint'])[1 + c.id % 3])
                when (c.id * 5 + n) % 25 < 3 then jsonb_build_object('decision', 'clarify', 'score', 0.2)
                else jsonb_build_object('entryId', (c.id + n) % 40, 'question', '常见问题' || ((c.id + n) % 40), 'score', 0.9)
           end || case when n % 2 = 1 and c.id % 3 = 0 then jsonb_build_object('modelTokens', 800 + c.id % 700) else '{}'::jsonb end
    from conversations c
    cross join generate_series(0, 9) n
    cross join lateral (select (array['订单','退款','发票','物流','会员积分','优惠券','售后维修','尺码'])[1 + (c.id + n) % 8]
                               || (array['什么时候到','怎么申请','能开吗','查不到','还有吗','过期了','要多久','偏大吗'])[1 + (c.id * 3 + n) % 8] as text) q`);
  // Each reply names the customer message just before it: the turn it answers.
  await db.execute(sql`update messages r set reply_to_id = r.id - 1 where r.sender = 'bot'`);
  await db.execute(sql`
    insert into answer_feedback (message_id, rating, source, created_at, updated_at, answer_created_at, answered)
    select id, case when id % 2 = 0 then 'down' else 'up' end, 'web', created_at, created_at, created_at,
           not (meta ? 'handoffReason') and meta->>'decision' is distinct from 'clarify'
    from messages where sender = 'bot' and id % 50 < 2`);
}

import { sql } from 'drizzle-orm';
import { syncChannelAccounts } from '../../src/conversations/channel-accounts.ts';
import type { Database } from '../../src/db/connect.ts';

/**
 * A large inbox in a few set-based statements (generate_series, not row-by-row inserts): `count`
 * conversations, one per customer, over four channel accounts; 5% waiting for a person, 10% held
 * by one of `agents` agents, 30% with the bot, 55% closed (half of those closed by a person);
 * five messages in every fifth conversation, Chinese text with a number in it; read markers of
 * agent 1 on half of the conversations it may see.
 */
export async function seedLargeInbox(db: Database, count: number, agents: number): Promise<{ agentIds: number[]; supervisorId: number }> {
  await syncChannelAccounts(db, [
    { channel: 'wecom', name: 'default', settings: {} },
    { channel: 'wechat-mp', name: 'default', settings: {} },
    { channel: 'wecom-kf', name: 'default', settings: {} },
    { channel: 'web', name: 'default', settings: {} },
  ]);
  const staff = await db.execute(sql`
    insert into staff_users (email, display_name, role, password_hash)
    select 'agent' || i || '@bench.example', '客服' || i, case when i = 0 then 'supervisor' else 'agent' end, 'not-a-login'
    from generate_series(0, ${agents}) i
    returning id, role`);
  const rows = (staff as unknown as { rows: Array<{ id: number; role: string }> }).rows;
  const agentIds = rows.filter((r) => r.role === 'agent').map((r) => r.id);
  const supervisorId = rows.find((r) => r.role === 'supervisor')!.id;
  const accounts = sql`(select array_agg(id order by id) from channel_accounts)`;
  await db.execute(sql`
    insert into customers (channel_account_id, external_id, display_name)
    select (${accounts})[1 + i % 4], 'ext-' || i,
           (array['张','李','王','赵','陈','刘','杨','黄'])[1 + i % 8] || (array['伟','芳','娜','敏','静','强','磊','洋'])[1 + (i / 8) % 8] || i
    from generate_series(1, ${count}) i`);
  // Statuses by i % 20: 0 waiting, 1-2 held, 3-8 bot, the rest closed; times spread over 30 days.
  const agentArray = sql.raw(`array[${agentIds.map((id) => `'${id}'`).join(',')}]`);
  await db.execute(sql`
    insert into conversations (customer_id, channel_account_id, status, handoff_reason, waiting_since, assignee, human_since,
                               last_message_at, created_at, updated_at, resolved_at, resolved_by)
    select cu.id, cu.channel_account_id, s.status,
           case when s.status = 'needs_human' then 'customer_asked' end,
           case when s.status = 'needs_human' then now() - (cu.id % 7200) * interval '1 second' end,
           case when s.status = 'human' or (s.status = 'closed' and cu.id % 2 = 0) then (${agentArray})[1 + (cu.id / 20) % ${agents}] end,
           case when s.status = 'human' then now() - interval '1 hour' end,
           now() - (cu.id * 26) * interval '1 second', now() - interval '31 days', now(),
           case when s.status = 'closed' and cu.id % 2 = 0 then now() - (cu.id * 26) * interval '1 second' end,
           case when s.status = 'closed' and cu.id % 2 = 0 then (${agentArray})[1 + (cu.id / 20) % ${agents}] end
    from customers cu
    cross join lateral (select case when cu.id % 20 = 0 then 'needs_human' when cu.id % 20 < 3 then 'human'
                                    when cu.id % 20 < 9 then 'bot' else 'closed' end as status) s`);
  await db.execute(sql`
    insert into messages (conversation_id, channel_account_id, direction, sender, kind, text, content, status, created_at)
    select c.id, c.channel_account_id, case when n % 2 = 0 then 'in' else 'out' end,
           case when n % 2 = 0 then 'customer' else 'bot' end, 'text', t.text, jsonb_build_object('type', 'text', 'text', t.text),
           case when n % 2 = 0 then 'answered' else 'sent' end, c.last_message_at - (5 - n) * interval '1 minute'
    from conversations c
    cross join generate_series(0, 4) n
    cross join lateral (select (array['订单','退款','发票','物流','会员积分','优惠券','售后维修','尺码'])[1 + (c.id + n) % 8]
                               || (array['什么时候到','怎么申请','能开吗','查不到','还有吗','过期了','要多久','偏大吗'])[1 + (c.id * 3 + n) % 8]
                               || '，编号' || c.id || '-' || n as text) t
    where c.id % 5 = 0`);
  await db.execute(sql`
    insert into conversation_reads (user_id, conversation_id, last_read_message_id)
    select ${agentIds[0]!}, c.id, m.id from conversations c
    join lateral (select min(id) as id from messages where conversation_id = c.id) m on m.id is not null
    where c.status in ('needs_human', 'human') and c.id % 2 = 0`);
  // As autovacuum leaves a table in steady state: statistics, and the visibility map index-only scans need.
  await db.execute(sql`vacuum analyze`);
  return { agentIds, supervisorId };
}

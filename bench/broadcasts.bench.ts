/**
 * Broadcasts (群发) on PostgreSQL: how long forecasting a segment's reach takes (every customer
 * decided, every reply window read: src/broadcasts/forecast-broadcast.ts), how long listing the
 * recipients of a segment takes, and how many
 * recipients a worker can claim a second — the transaction each recipient costs before its send
 * (src/broadcasts/claim-recipient.ts: lock the row, the opt-out tag, the latest conversation, the
 * decision). Claims here end as skipped (no channel is running), so the rate is the claim alone; a
 * real broadcast adds the platform's round trip and its throttle (perMinute).
 *   node --import tsx bench/broadcasts.bench.ts [--customers 100000] [--claims 3000]
 */
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { claimNextRecipient } from '../src/broadcasts/claim-recipient.ts';
import { enlistRecipients } from '../src/broadcasts/enlist-recipients.ts';
import { forecastBroadcast } from '../src/broadcasts/forecast-broadcast.ts';
import type { Channel } from '../src/channels/types.ts';
import { mpReplyWindow } from '../src/channels/wechat-mp/reply-window.ts';
import { connectDatabase } from '../src/db/connect.ts';
import { applyMigrations } from '../src/db/migrate.ts';
import { createLogger } from '../src/observability/logger.ts';
import { createTestDatabase } from '../test/support/databases.ts';
import { table } from './support/environment.ts';

const { values } = parseArgs({
  options: { customers: { type: 'string', default: '100000' }, claims: { type: 'string', default: '3000' } },
});
const customerCount = Number(values.customers);
const claims = Math.min(Number(values.claims), customerCount);

const database = await createTestDatabase('postgres');
const handle = await connectDatabase({ url: database.url, poolSize: 2 });
const { db } = handle;
let result: Record<string, number> = {};
try {
  await applyMigrations(handle);
  await db.execute(sql`insert into channel_accounts (channel, name) values ('wechat-mp', 'default')`);
  await db.execute(sql`
    insert into customers (channel_account_id, external_id) select a.id, 'o' || i from channel_accounts a, generate_series(1, ${customerCount}) i`);
  await db.execute(sql`insert into conversations (customer_id, channel_account_id) select id, channel_account_id from customers`);
  // Each customer wrote once: half within the 48 hours, half three days ago, so the forecast reads real windows.
  await db.execute(sql`
    insert into messages (conversation_id, channel_account_id, direction, sender, kind, text, content, status, created_at)
    select id, channel_account_id, 'in', 'customer', 'text', '你好', '{"type":"text","text":"你好"}', 'answered',
           now() - case when id % 2 = 0 then interval '1 hour' else interval '3 days' end
    from conversations`);
  // One customer in ten opted out.
  await db.execute(sql`insert into tag_groups (name) values ('未分组') on conflict do nothing`);
  await db.execute(sql`insert into tags (group_id, name) select id, '退订' from tag_groups where name = '未分组'`);
  await db.execute(
    sql`insert into customer_tags (customer_id, tag_id, source) select c.id, t.id, 'rule' from customers c, tags t where t.name = '退订' and c.id % 10 = 0`,
  );
  await db.execute(sql`insert into segments (name, filter) values ('all', '{"channels":["wechat-mp"]}')`);
  await db.execute(
    sql`insert into broadcasts (name, text, segment_id, per_minute, state) select 'bench', '通知', id, 6000, 'sending' from segments`,
  );
  await db.execute(sql`analyze`);
  const broadcast = { id: 1, segmentId: 1, tagIds: null, text: '通知' };

  // The Official Account as the forecast sees it: custom/send within its reply window.
  const officialAccount = {
    kind: 'wechat-mp',
    replyWindow: mpReplyWindow,
    broadcasts: { reach: 'reply_window', send: () => Promise.reject(new Error('a forecast sends nothing')) },
  } as unknown as Channel;
  let started = performance.now();
  const forecast = await forecastBroadcast(
    { db, channels: new Map([['wechat-mp', officialAccount]]), logger: createLogger('silent') },
    { segmentId: 1 },
  );
  const forecastMs = Math.round(performance.now() - started);

  started = performance.now();
  const listed = await db.transaction((tx) => enlistRecipients(tx, broadcast));
  const enlistMs = Math.round(performance.now() - started);

  const channels = new Map();
  const reasons = new Map<string, number>();
  started = performance.now();
  for (let i = 0; i < claims; i++) {
    const claim = await claimNextRecipient(db, broadcast, channels);
    if (claim.kind === 'skipped') reasons.set(claim.reason, (reasons.get(claim.reason) ?? 0) + 1);
  }
  const claimSeconds = (performance.now() - started) / 1000;
  const perSecond = Math.round(claims / claimSeconds);
  console.log(`\n### Broadcast to ${customerCount.toLocaleString('en')} customers (PostgreSQL)\n`);
  console.log(
    table(
      ['forecast ms', 'forecast: send / skipped', 'recipients listed', 'listing ms', 'claims', 'claims / s', 'per claim ms', 'skipped'],
      [
        [
          forecastMs,
          `${forecast.send} / ${forecast.reasons.map((r) => `${r.reason} ${r.count}`).join(', ')}`,
          listed,
          enlistMs,
          claims,
          perSecond,
          ((claimSeconds * 1000) / claims).toFixed(2),
          [...reasons].map(([r, n]) => `${r} ${n}`).join(', '),
        ],
      ],
    ),
  );
  result = { forecastMs, listed, enlistMs, claims, claimsPerSecond: perSecond };
} finally {
  await handle.close();
  await database.drop();
}
console.log(`BENCH_RESULT ${JSON.stringify({ bench: 'broadcasts', customers: customerCount, ...result })}`);

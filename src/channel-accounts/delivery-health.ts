import { sql } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';

export interface AccountHealth {
  /** When the last customer message or event came in (a callback, or the widget's post). */
  lastInboundAt: Date | null;
  sent: number;
  failed: number;
  /** Failed deliveries by their code (e.g. `wecom:60020`), most first. */
  failures: Array<{ code: string; count: number }>;
}

const key = (kind: string, name: string) => `${kind}/${name}`;

/**
 * Each account's last inbound message and its deliveries of the last 24 hours, by channel kind and
 * account name (`wecom/default`). Two grouped queries for all accounts, not one per account.
 */
export async function readDeliveryHealth(db: Database, since: Date): Promise<Map<string, AccountHealth>> {
  const health = new Map<string, AccountHealth>();
  const entry = (kind: string, name: string) => {
    const k = key(kind, name);
    if (!health.has(k)) health.set(k, { lastInboundAt: null, sent: 0, failed: 0, failures: [] });
    return health.get(k)!;
  };
  const inbound = (await db.execute(sql`
    select a.channel, a.name, last.at
    from channel_accounts a
    cross join lateral (
      select created_at as at from messages m
      where m.channel_account_id = a.id and m.direction = 'in'
      order by m.created_at desc limit 1
    ) last`)) as unknown as { rows: Array<{ channel: string; name: string; at: string | Date }> };
  for (const r of inbound.rows) entry(r.channel, r.name).lastInboundAt = new Date(r.at);
  const sends = (await db.execute(sql`
    select a.channel, a.name, d.status, d.last_error_code as code, count(*) as count
    from deliveries d
    join messages m on m.id = d.message_id
    join channel_accounts a on a.id = m.channel_account_id
    where d.created_at >= ${since.toISOString()} and d.status in ('sent', 'failed')
    group by a.channel, a.name, d.status, d.last_error_code`)) as unknown as {
    rows: Array<{ channel: string; name: string; status: string; code: string | null; count: string | number }>;
  };
  for (const r of sends.rows) {
    const e = entry(r.channel, r.name);
    const count = Number(r.count);
    if (r.status === 'sent') e.sent += count;
    else {
      e.failed += count;
      e.failures.push({ code: r.code ?? 'unknown', count });
    }
  }
  for (const e of health.values()) e.failures.sort((a, b) => b.count - a.count);
  return health;
}

export const healthKey = key;

import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { broadcastMassSends, type MassSendState, type RecipientState } from '../db/schema.ts';

/** How a broadcast went: recipients per state, and per reason (skipped) or errcode (failed). */
export interface BroadcastReport {
  total: number;
  byState: Record<RecipientState, number>;
  skipped: Array<{ reason: string; count: number }>;
  failed: Array<{ errcode: string; count: number }>;
  /** Official Account mass sends (src/broadcasts/send-oa-mass-sends.ts) with WeChat's totals once finished. */
  massSends: MassSendView[];
}

export interface MassSendView {
  accountName: string;
  state: MassSendState;
  recipients: number;
  errcode: string | null;
  status: string | null;
  totalCount: number | null;
  filterCount: number | null;
  sentCount: number | null;
  errorCount: number | null;
}

export async function broadcastReport(db: Database, broadcastId: number): Promise<BroadcastReport> {
  const result = (await db.execute(sql`
    select state, coalesce(reason, errcode) as why, count(*)::int as n from broadcast_recipients
    where broadcast_id = ${broadcastId} group by state, coalesce(reason, errcode)`)) as unknown as {
    rows: Array<{ state: RecipientState; why: string | null; n: number }>;
  };
  const report: BroadcastReport = {
    total: 0,
    byState: { pending: 0, sending: 0, sent: 0, skipped: 0, failed: 0 },
    skipped: [],
    failed: [],
    massSends: await db
      .select({
        accountName: broadcastMassSends.accountName,
        state: broadcastMassSends.state,
        recipients: broadcastMassSends.recipients,
        errcode: broadcastMassSends.errcode,
        status: broadcastMassSends.status,
        totalCount: broadcastMassSends.totalCount,
        filterCount: broadcastMassSends.filterCount,
        sentCount: broadcastMassSends.sentCount,
        errorCount: broadcastMassSends.errorCount,
      })
      .from(broadcastMassSends)
      .where(eq(broadcastMassSends.broadcastId, broadcastId))
      .orderBy(broadcastMassSends.id),
  };
  for (const { state, why, n } of result.rows) {
    const count = Number(n);
    report.total += count;
    report.byState[state] += count;
    if (state === 'skipped') report.skipped.push({ reason: why ?? 'unknown', count });
    if (state === 'failed') report.failed.push({ errcode: why ?? 'unknown', count });
  }
  const most = (a: { count: number }, b: { count: number }) => b.count - a.count;
  report.skipped.sort(most);
  report.failed.sort(most);
  return report;
}

/** One recipient as the console lists them. */
export interface RecipientView {
  id: number;
  customerId: number;
  channel: string | null;
  externalId: string | null;
  displayName: string | null;
  state: RecipientState;
  reason: string | null;
  errcode: string | null;
  sentAt: Date | null;
}

/** A page of recipients by id (keyset), optionally of one state. */
export async function listRecipients(
  db: Database,
  broadcastId: number,
  page: { state?: RecipientState; afterId?: number; limit: number },
): Promise<RecipientView[]> {
  const result = (await db.execute(sql`
    select r.id, r.customer_id as "customerId", a.channel, cu.external_id as "externalId", cu.display_name as "displayName",
           r.state, r.reason, r.errcode, r.sent_at as "sentAt"
    from broadcast_recipients r
    left join customers cu on cu.id = r.customer_id
    left join channel_accounts a on a.id = cu.channel_account_id
    where r.broadcast_id = ${broadcastId} and r.id > ${page.afterId ?? 0}
      ${page.state ? sql`and r.state = ${page.state}` : sql``}
    order by r.id limit ${page.limit}`)) as unknown as { rows: Array<RecipientView & { sentAt: string | Date | null }> };
  return result.rows.map((r) => ({
    ...r,
    id: Number(r.id),
    customerId: Number(r.customerId),
    sentAt: r.sentAt === null ? null : new Date(r.sentAt),
  }));
}

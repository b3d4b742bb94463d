import { sql } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { queryRows } from '../db/rows.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { WorkspaceTimings } from './workspace-moments.ts';

/**
 * The agent workspace's Prometheus figures: the two histograms the operations feed, and the waiting
 * gauge, counted on scrape through the conversations_waiting index (a few thousand rows at most).
 */
export function registerWorkspaceMetrics(metrics: Metrics, db: Database): WorkspaceTimings {
  metrics.waitingStats.read = async () => {
    const rows = await queryRows<{ channel: string; n: number }>(
      db,
      sql`select a.channel, count(*)::int as n
            from conversations c join channel_accounts a on a.id = c.channel_account_id
           where c.status = 'needs_human'
           group by a.channel`,
    );
    return Object.fromEntries(rows.map((r) => [r.channel, r.n]));
  };
  return {
    handoffWaited: (channel, seconds) => metrics.handoffWait.observe({ channel }, seconds),
    firstResponded: (channel, seconds) => metrics.firstResponse.observe({ channel }, seconds),
  };
}

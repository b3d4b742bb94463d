import { sql } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { queryRows } from '../db/rows.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { WorkspaceTimings } from './workspace-timings.ts';

/**
 * The agent workspace's Prometheus figures: the two histograms the operations feed, and the waiting
 * gauge, counted on scrape through the conversations_waiting index (a few thousand rows at most).
 */
export function registerWorkspaceMetrics(metrics: Metrics, db: Database): WorkspaceTimings {
  metrics.waitingStats.read = async () => {
    const rows = await queryRows<{ channel: string; n: number }>(
      db,
      // Every configured channel, 0 included: a series that vanishes reads as "no data", not "none waiting".
      sql`select a.channel, count(c.id)::int as n
            from channel_accounts a
            left join conversations c on c.channel_account_id = a.id and c.status = 'needs_human'
           group by a.channel`,
    );
    return Object.fromEntries(rows.map((r) => [r.channel, r.n]));
  };
  return workspaceTimings(metrics);
}

/** The histograms alone, for a worker process: the waiting gauge is the API's to report. */
export function workspaceTimings(metrics: Metrics): WorkspaceTimings {
  return {
    handoffWaited: (channel, seconds) => metrics.handoffWait.observe({ channel }, seconds),
    firstResponded: (channel, seconds) => metrics.firstResponse.observe({ channel }, seconds),
  };
}

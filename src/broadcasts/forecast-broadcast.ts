import { sql } from 'drizzle-orm';
import { segmentCondition } from '../audience/segment-filter.ts';
import type { Channel, ChannelKind, OutboundRecipient } from '../channels/types.ts';
import { loadReplyWindowInputs, replyWindowWith } from '../conversations/reply-window.ts';
import type { Database } from '../db/connect.ts';
import type { Logger } from '../observability/logger.ts';
import { type BroadcastAudience, checkAudience } from './broadcasts.ts';
import { audienceFilter } from './enlist-recipients.ts';
import { optedOut } from './opt-out.ts';
import { type MassSendPlan, massSendTagName, planMassSend, readTagFollowers } from './send-oa-mass-sends.ts';
import { inGroupTask } from './send-wecom-group-tasks.ts';
import { latestConversation, type ReachLookups, type RecipientFacts, skipReason } from './skip-reason.ts';

/** How many customers of a channel a broadcast would reach now, and why the others would be skipped. */
export interface ChannelForecast {
  channel: string;
  total: number;
  send: number;
  skipped: Array<{ reason: string; count: number }>;
}

export interface BroadcastForecast {
  total: number;
  send: number;
  skipped: number;
  /** Over every channel, most first: the reason codes the sender records. */
  reasons: Array<{ reason: string; count: number }>;
  channels: ChannelForecast[];
  /** Official Account mass sends by tag it would make (one per account), or why not (`unused` / `refused`). */
  massSends: Array<{ accountName: string; state: MassSendPlan['state']; errcode: string | null; recipients: number }>;
  at: Date;
}

export interface ForecastDeps {
  db: Database;
  channels: ReadonlyMap<ChannelKind, Channel>;
  logger: Logger;
}

interface Customer extends RecipientFacts {
  customerId: number;
  inGroupTask: boolean;
}

/** Customers one `connected` call asks about: one Redis PUBSUB NUMSUB for the web widget. */
const ASKED_AT_ONCE = 1000;

/**
 * A broadcast's reach as it would be if sending started now (docs/marketing.md, "Forecast"): each
 * customer of the audience decided by the sender's own rules — the mass send's plan
 * (planMassSend), the WeCom group tasks' choice (inGroupTask), and each remaining customer's
 * skipReason — in the order the sender applies them. Read-only: nothing is listed, stored or sent;
 * the one platform call is reading an Official Account tag's followers, as the sender does first.
 * Set-based: the audience and every reply window are read in one statement each, open widgets a
 * thousand to a Redis call.
 */
export async function forecastBroadcast(deps: ForecastDeps, audience: BroadcastAudience): Promise<BroadcastForecast> {
  const { db, channels } = deps;
  await checkAudience(db, audience);
  const at = new Date();
  const filter = await audienceFilter(db, { segmentId: audience.segmentId ?? null, tagIds: audience.tagIds ?? null });
  const groupSends = channels.get('wecom')?.groupSends;
  const found = filter
    ? ((await db.execute(sql`
        select cu.id::bigint as "customerId", cu.external_id as "externalId", a.channel, a.name as "accountName",
               c.id::bigint as "conversationId", c.servicer_userid as "servicerUserId",
               ${optedOut(sql`cu.id`)} as "optedOut", ${groupSends ? inGroupTask(groupSends.accountName) : sql`false`} as "inGroupTask"
        from customers cu join channel_accounts a on a.id = cu.channel_account_id
        ${latestConversation(sql`cu.id`)}
        where ${segmentCondition(filter)}
        order by cu.id`)) as unknown as { rows: Customer[] })
    : { rows: [] };
  const customers = found.rows.map((c) => ({
    ...c,
    customerId: Number(c.customerId),
    conversationId: c.conversationId === null ? null : Number(c.conversationId),
  }));

  const outcome = new Map<number, string | undefined>();
  const massSends = await planMassSends(deps, audience.tagIds ?? null, customers, outcome);
  for (const c of customers) if (!outcome.has(c.customerId) && c.inGroupTask) outcome.set(c.customerId, undefined);

  const rest = customers.filter((c) => !outcome.has(c.customerId));
  const windowed = rest.filter(
    (c) => c.conversationId !== null && c.channel && channels.get(c.channel)?.broadcasts?.reach === 'reply_window',
  );
  const windows = await loadReplyWindowInputs(
    db,
    windowed.map((c) => c.conversationId!),
  );
  const open = await openSessions(channels, rest);
  const lookups: ReachLookups = {
    window: (conversation, rule) => replyWindowWith(conversation, rule, async () => windows.get(conversation.id)!),
    connected: async (channel, to) => open.has(sessionKey(channel.kind, to)),
  };
  for (const c of rest) outcome.set(c.customerId, await skipReason(c, channels, lookups));
  return { ...tally(customers, outcome), massSends, at };
}

/**
 * The Official Account mass sends the broadcast's first slice would make (sendMassSends): per
 * account, its customers carrying the user tag as planMassSend decides them, recorded in `outcome`.
 */
async function planMassSends(
  deps: ForecastDeps,
  tagIds: number[] | null,
  customers: Array<Customer & { customerId: number }>,
  outcome: Map<number, string | undefined>,
): Promise<BroadcastForecast['massSends']> {
  const massSends = deps.channels.get('wechat-mp')?.massSends;
  const tagName = massSends && (await massSendTagName(deps.db, tagIds));
  if (!massSends || tagName === undefined) return [];
  const plans: BroadcastForecast['massSends'] = [];
  const accounts = new Set(customers.filter((c) => c.channel === 'wechat-mp').map((c) => c.accountName!));
  for (const accountName of accounts) {
    const tag = await readTagFollowers(massSends, accountName, tagName, deps.logger);
    const followers = new Set(tag?.followers);
    const covered = customers
      .filter((c) => c.channel === 'wechat-mp' && c.accountName === accountName && c.externalId !== null && followers.has(c.externalId))
      .map((c) => c.customerId);
    const plan = await planMassSend(deps.db, accountName, tag, covered, massSends.limit(accountName));
    for (const id of plan.sending) outcome.set(id, undefined);
    for (const { customerId, reason } of plan.skipped) outcome.set(customerId, reason);
    plans.push({ accountName, state: plan.state, errcode: plan.errcode, recipients: plan.sending.length });
  }
  return plans;
}

const sessionKey = (kind: ChannelKind, to: OutboundRecipient) => JSON.stringify([kind, to.accountName, to.customerExternalId]);

/** Which of the customers on channels that reach `open_session` (the web widget) have their client open now, by sessionKey. */
async function openSessions(channels: ReadonlyMap<ChannelKind, Channel>, customers: Customer[]): Promise<Set<string>> {
  const open = new Set<string>();
  for (const [kind, channel] of channels) {
    const connected = channel.broadcasts?.reach === 'open_session' && channel.broadcasts.connected;
    if (!connected) continue;
    const asked = customers
      .filter((c) => c.channel === kind && c.externalId !== null)
      .map((c) => ({ accountName: c.accountName!, customerExternalId: c.externalId! }));
    for (let i = 0; i < asked.length; i += ASKED_AT_ONCE) {
      const batch = asked.slice(i, i + ASKED_AT_ONCE);
      const answers = await connected(batch);
      for (const [n, to] of batch.entries()) if (answers[n]) open.add(sessionKey(kind, to));
    }
  }
  return open;
}

function tally(customers: Array<{ customerId: number; channel: string | null }>, outcome: Map<number, string | undefined>) {
  const byChannel = new Map<string, { total: number; send: number; skipped: Map<string, number> }>();
  const reasons = new Map<string, number>();
  let send = 0;
  for (const c of customers) {
    const channel = c.channel ?? 'unknown';
    let counts = byChannel.get(channel);
    if (!counts) byChannel.set(channel, (counts = { total: 0, send: 0, skipped: new Map() }));
    counts.total++;
    const reason = outcome.get(c.customerId);
    if (reason === undefined) {
      counts.send++;
      send++;
      continue;
    }
    counts.skipped.set(reason, (counts.skipped.get(reason) ?? 0) + 1);
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  const sorted = (m: Map<string, number>) => [...m].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count);
  return {
    total: customers.length,
    send,
    skipped: customers.length - send,
    reasons: sorted(reasons),
    channels: [...byChannel].map(([channel, c]) => ({ channel, total: c.total, send: c.send, skipped: sorted(c.skipped) })),
  };
}

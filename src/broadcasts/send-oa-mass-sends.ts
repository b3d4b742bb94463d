import { and, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { MassSendReport, PlatformMassSends } from '../channels/types.ts';
import type { Database } from '../db/connect.ts';
import { broadcastMassSends, broadcastRecipients, type MassSendState, tags } from '../db/schema.ts';
import type { Executor } from '../db/transaction.ts';
import { DeliveryError } from '../errors.ts';
import type { Logger } from '../observability/logger.ts';
import { optedOut } from './opt-out.ts';

/**
 * Broadcasts to Official Account followers by mass send (docs/marketing.md, "Official Account mass
 * send"): a broadcast whose audience is exactly one tag goes, per account, as ONE message/mass/sendall
 * to the account's user tag of that name (pushed there by src/audience/push-customer-tags.ts). Its
 * recipients who carry that user tag are covered by it; the others stay pending and get custom/send
 * inside their 48 hours like any broadcast (src/broadcasts/claim-recipient.ts).
 *
 * Never twice, even with kill -9, as for WeCom group tasks (send-wecom-group-tasks.ts): the mass send
 * is recorded (`creating`) and its recipients marked `sending` in ONE transaction committed before
 * sendall is called, and one row per (broadcast, account) is all there ever is. A worker killed in
 * between leaves them so; the next slice marks the mass send `interrupted` and the recipients failed
 * `interrupted`, and nothing asks WeChat again.
 *
 * A mass send reaches every follower with the tag and cannot leave one out, so it is not used when
 * one of them opted out here (退订): they all go by custom/send, where opting out is honoured.
 *
 * Limits (src/channels/wechat-mp/mass-sends.ts): a 订阅号 mass-sends once a day, so a second that day
 * is refused and its recipients skipped `mp_daily_mass_limit`; on a 服务号 a follower receives 4 a
 * month, so one who had 4 of ours already is skipped `mp_monthly_mass_limit`, and if that is all of
 * them the mass send is refused. Days and months are Beijing time (UTC+8, no daylight saving), as the
 * platform counts them. WeChat also counts mass sends made on the 公众平台 site, which we do not see:
 * those it filters itself (the FilterCount of the finished event).
 */

const BEIJING_MS = 8 * 3_600_000;

/** Where the current Beijing day and month began. */
function beijingPeriods(now = Date.now()): { day: Date; month: Date } {
  const b = new Date(now + BEIJING_MS);
  return {
    day: new Date(Date.UTC(b.getUTCFullYear(), b.getUTCMonth(), b.getUTCDate()) - BEIJING_MS),
    month: new Date(Date.UTC(b.getUTCFullYear(), b.getUTCMonth(), 1) - BEIJING_MS),
  };
}

/** States of a mass send WeChat may have received. */
const REQUESTED: MassSendState[] = ['creating', 'sent', 'finished', 'interrupted'];

type Claimed = { massSendId: number; accountName: string; tagId: string; recipientIds: number[] };

/**
 * Sends the broadcast's mass send on each Official Account with pending recipients that has none yet.
 * Runs at the start of each slice; a no-op for broadcasts to a segment or to several tags.
 */
export async function sendMassSends(
  db: Database,
  broadcast: { id: number; text: string; tagIds: number[] | null },
  massSends: PlatformMassSends,
  logger: Logger,
): Promise<void> {
  const tagName = await massSendTagName(db, broadcast.tagIds);
  if (tagName === undefined) return;
  const accounts = (await db.execute(sql`
    select distinct a.name from broadcast_recipients r
    join customers cu on cu.id = r.customer_id
    join channel_accounts a on a.id = cu.channel_account_id and a.channel = 'wechat-mp'
    where r.broadcast_id = ${broadcast.id} and r.state = 'pending'
      and not exists (select 1 from broadcast_mass_sends m where m.broadcast_id = ${broadcast.id} and m.account_name = a.name)`)) as unknown as {
    rows: Array<{ name: string }>;
  };
  for (const { name } of accounts.rows) {
    const followers = await readTagFollowers(massSends, name, tagName, logger);
    const claimed = await claimMassSend(db, broadcast.id, name, followers, massSends, logger);
    if (claimed) await requestMassSend(db, broadcast.text, claimed, massSends, logger);
  }
}

/** The tag a broadcast's mass sends go to: only a broadcast to exactly one (existing) tag has one. */
export async function massSendTagName(db: Executor, tagIds: number[] | null): Promise<string | undefined> {
  if (tagIds?.length !== 1) return undefined;
  const [tag] = await db.select({ name: tags.name }).from(tags).where(eq(tags.id, tagIds[0]!));
  return tag?.name;
}

/** The account's user tag of that name and its followers; null when it has none or reading it failed. */
export async function readTagFollowers(
  massSends: PlatformMassSends,
  accountName: string,
  tagName: string,
  logger: Logger,
): Promise<{ tagId: string; followers: string[] } | null> {
  try {
    return await massSends.tagFollowers(accountName, tagName);
  } catch (err) {
    // Reading the tag failed: its recipients go by custom/send rather than wait.
    if (!(err instanceof DeliveryError)) throw err;
    logger.warn({ account: accountName, code: err.platformCode }, 'Official Account tag not read: no mass send');
    return null;
  }
}

async function claimMassSend(
  db: Database,
  broadcastId: number,
  accountName: string,
  tag: { tagId: string; followers: string[] } | null,
  massSends: PlatformMassSends,
  logger: Logger,
): Promise<Claimed | undefined> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(broadcastMassSends)
      .values({ broadcastId, accountName, platformTagId: tag?.tagId ?? null })
      .onConflictDoNothing()
      .returning({ id: broadcastMassSends.id });
    // Another worker's slice got there first.
    if (!row) return undefined;
    const close = (state: MassSendState, errcode: string) =>
      tx.update(broadcastMassSends).set({ state, errcode, updatedAt: sql`now()` }).where(eq(broadcastMassSends.id, row.id));
    const covered = tag
      ? (
          (await tx.execute(sql`
            select r.id::bigint as id, r.customer_id::bigint as "customerId" from broadcast_recipients r
            join customers cu on cu.id = r.customer_id ${ofMpAccount(accountName)}
            where r.broadcast_id = ${broadcastId} and r.state = 'pending' and cu.external_id in ${followersOf(tag.followers)}
            order by r.id for update of r skip locked`)) as unknown as { rows: Array<{ id: number; customerId: number }> }
        ).rows
      : [];
    const recipientOf = new Map(covered.map((r) => [Number(r.customerId), Number(r.id)]));
    const plan = await planMassSend(tx, accountName, tag, [...recipientOf.keys()], massSends.limit(accountName), row.id);
    for (const reason of new Set(plan.skipped.map((r) => r.reason))) {
      const ids = plan.skipped.filter((r) => r.reason === reason).map((r) => recipientOf.get(r.customerId)!);
      await tx
        .update(broadcastRecipients)
        .set({ state: 'skipped', reason, updatedAt: sql`now()` })
        .where(inArray(broadcastRecipients.id, ids));
    }
    if (plan.state !== 'sending') {
      if (plan.state === 'refused')
        logger.warn({ broadcastId, account: accountName, errcode: plan.errcode }, 'mass send refused: over the platform’s limit');
      return void (await close(plan.state, plan.errcode!));
    }
    const recipientIds = plan.sending.map((customerId) => recipientOf.get(customerId)!);
    await tx.update(broadcastMassSends).set({ recipients: recipientIds.length }).where(eq(broadcastMassSends.id, row.id));
    await tx
      .update(broadcastRecipients)
      .set({ state: 'sending', massSendId: row.id, updatedAt: sql`now()` })
      .where(inArray(broadcastRecipients.id, recipientIds));
    return { massSendId: row.id, accountName, tagId: tag!.tagId, recipientIds };
  });
}

/** SQL: the join of customer `cu` to its account `a`, when that is the Official Account `accountName`. */
function ofMpAccount(accountName: string): SQL {
  return sql`join channel_accounts a on a.id = cu.channel_account_id and a.channel = 'wechat-mp' and a.name = ${accountName}`;
}

/** SQL: the tag's followers' openids, as one parameter however many there are. */
function followersOf(followers: string[]): SQL {
  return sql`(select jsonb_array_elements_text(${JSON.stringify(followers)}::jsonb))`;
}

/**
 * What a mass send on `accountName` does with the customers it covers (those of the broadcast who
 * carry the user tag): `sending` those it goes to, `skipped` with the reason those a limit leaves
 * out, and when it is not made (`unused` / `refused`), why (`errcode`). The sender records it
 * (claimMassSend); the forecast (forecast-broadcast.ts) only reports it. `except`: the mass send being
 * claimed, which does not count against its own day.
 */
export interface MassSendPlan {
  state: 'sending' | 'unused' | 'refused';
  errcode: string | null;
  sending: number[];
  skipped: Array<{ customerId: number; reason: string }>;
}

export async function planMassSend(
  db: Executor,
  accountName: string,
  tag: { followers: string[] } | null,
  covered: number[],
  limit: { kind: 'daily' | 'monthly_per_user'; count: number },
  except = 0,
): Promise<MassSendPlan> {
  const notMade = (state: 'unused' | 'refused', errcode: string, skipped: MassSendPlan['skipped'] = []): MassSendPlan => ({
    state,
    errcode,
    sending: [],
    skipped,
  });
  if (!tag) return notMade('unused', 'no_platform_tag');
  const refusing = (await db.execute(sql`
    select count(*)::int as n from customers cu ${ofMpAccount(accountName)}
    where cu.external_id in ${followersOf(tag.followers)} and ${optedOut(sql`cu.id`)}`)) as unknown as { rows: Array<{ n: number }> };
  if (Number(refusing.rows[0]!.n) > 0) return notMade('unused', 'opted_out_follower');
  if (covered.length === 0) return notMade('unused', 'no_follower_listed');
  if (limit.kind === 'daily') {
    const today = await massSendsSince(db, accountName, beijingPeriods().day, except);
    if (today >= limit.count)
      return notMade(
        'refused',
        'daily_limit',
        covered.map((customerId) => ({ customerId, reason: 'mp_daily_mass_limit' })),
      );
    return { state: 'sending', errcode: null, sending: covered, skipped: [] };
  }
  const full = await followersAtMonthlyLimit(db, covered, limit.count);
  const skipped = covered.filter((id) => full.has(id)).map((customerId) => ({ customerId, reason: 'mp_monthly_mass_limit' }));
  const sending = covered.filter((id) => !full.has(id));
  if (sending.length === 0) return notMade('refused', 'monthly_limit', skipped);
  return { state: 'sending', errcode: null, sending, skipped };
}

async function massSendsSince(tx: Executor, accountName: string, since: Date, except: number): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(broadcastMassSends)
    .where(
      and(
        eq(broadcastMassSends.accountName, accountName),
        inArray(broadcastMassSends.state, REQUESTED),
        sql`${broadcastMassSends.createdAt} >= ${since.toISOString()}::timestamptz and ${broadcastMassSends.id} <> ${except}`,
      ),
    );
  return Number(row!.n);
}

/** The customers among `customerIds` who got `count` mass sends of ours this Beijing month. */
async function followersAtMonthlyLimit(tx: Executor, customerIds: number[], count: number): Promise<Set<number>> {
  const result = (await tx.execute(sql`
    select r.customer_id::bigint as id from broadcast_recipients r
    join broadcast_mass_sends m on m.id = r.mass_send_id
    where r.customer_id in (select jsonb_array_elements_text(${JSON.stringify(customerIds)}::jsonb)::bigint)
      and r.state = 'sent' and m.created_at >= ${beijingPeriods().month.toISOString()}::timestamptz
    group by r.customer_id having count(*) >= ${count}`)) as unknown as { rows: Array<{ id: number }> };
  return new Set(result.rows.map((r) => Number(r.id)));
}

async function requestMassSend(db: Database, text: string, claimed: Claimed, massSends: PlatformMassSends, logger: Logger): Promise<void> {
  let outcome: { msgId: string } | { errcode: string };
  try {
    // WeChat refuses a clientmsgid it has seen (45065): named by our row, a repeat could never go out.
    outcome = await massSends.sendToTag(claimed.accountName, claimed.tagId, text, `kefu-hub-mass-${claimed.massSendId}`);
  } catch (err) {
    // Not retried, like a single send: a request that timed out may have been submitted.
    if (!(err instanceof DeliveryError)) logger.error({ err, massSendId: claimed.massSendId }, 'mass send failed unexpectedly');
    outcome = { errcode: err instanceof DeliveryError ? err.platformCode : 'error' };
  }
  // By id, whatever the state: what happened is what counts (as in send-broadcast-slice.ts).
  const set =
    'errcode' in outcome
      ? {
          massSend: { state: 'failed' as const, errcode: outcome.errcode },
          recipients: { state: 'failed' as const, errcode: outcome.errcode },
        }
      : {
          massSend: { state: 'sent' as const, platformMsgId: outcome.msgId },
          recipients: { state: 'sent' as const, errcode: null, sentAt: sql`now()` },
        };
  await db.transaction(async (tx) => {
    await tx
      .update(broadcastMassSends)
      .set({ ...set.massSend, updatedAt: sql`now()` })
      .where(eq(broadcastMassSends.id, claimed.massSendId));
    await tx
      .update(broadcastRecipients)
      .set({ ...set.recipients, updatedAt: sql`now()` })
      .where(inArray(broadcastRecipients.id, claimed.recipientIds));
  });
}

/**
 * What WeChat says when a mass send finished (MASSSENDJOBFINISH), stored on it: one update, no fetch,
 * so the callback answers at once. A retried callback stores the same. Returns false for an unknown msg id.
 */
export async function recordMassSendFinished(db: Database, report: MassSendReport): Promise<boolean> {
  const updated = await db
    .update(broadcastMassSends)
    .set({
      state: 'finished',
      status: report.status,
      totalCount: report.totalCount,
      filterCount: report.filterCount,
      sentCount: report.sentCount,
      errorCount: report.errorCount,
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(broadcastMassSends.accountName, report.accountName),
        eq(broadcastMassSends.platformMsgId, report.msgId),
        inArray(broadcastMassSends.state, ['sent', 'finished', 'interrupted']),
      ),
    )
    .returning({ id: broadcastMassSends.id });
  return updated.length > 0;
}

import { and, eq, inArray, isNotNull, type SQL, sql } from 'drizzle-orm';
import type { PlatformGroupSends } from '../channels/types.ts';
import type { Database } from '../db/connect.ts';
import { broadcastGroupTasks, broadcastRecipients, customers } from '../db/schema.ts';
import { DeliveryError } from '../errors.ts';
import type { Logger } from '../observability/logger.ts';
import { optedOut } from './opt-out.ts';

/**
 * Broadcasts to WeCom external contacts (docs/marketing.md, "WeCom external contacts"): not one
 * message per recipient but one 企业群发 task per member (the first member following each contact),
 * listing up to `maxPerTask` of that member's contacts; the member confirms it in the WeCom client.
 *
 * Never twice, even with kill -9: a task is recorded (`creating`) and its recipients marked `sending`
 * with its id in ONE transaction, committed before add_msg_template is called. A worker killed before
 * the answer is stored leaves them `sending`; the next slice marks those recipients failed
 * `interrupted` and the task `interrupted`, and nothing ever lists them again (only `pending`
 * recipients are claimed). WeCom may hold that one task (the member sees it once) or none: at most
 * once, never twice. Were recipients marked after the call instead, a kill in between would leave them
 * pending and a second task would list them.
 *
 * After the call they are `sent` with reason `awaiting_member` until the task's results
 * (checkGroupTaskResults) say what WeCom did: sent (the reason goes), not a contact (failed
 * `wecom:not_contact`), or over the customer's monthly limit (skipped `monthly_limit`).
 */

interface ClaimedTask {
  taskId: number;
  sender: string;
  recipients: Array<{ id: number; externalUserId: string }>;
}

/** Claims and sends the broadcast's next task; false when no pending recipient is a followed contact. */
export async function sendNextGroupTask(
  db: Database,
  broadcast: { id: number; text: string },
  groupSends: PlatformGroupSends,
  logger: Logger,
): Promise<boolean> {
  const claimed = await claimGroupTask(db, broadcast.id, groupSends);
  if (!claimed) return false;
  let outcome: { taskId: string; failed: string[] } | { errcode: string };
  try {
    const ids = claimed.recipients.map((r) => r.externalUserId);
    outcome = await groupSends.create(claimed.sender, ids, broadcast.text);
  } catch (err) {
    // Not retried, like a single send: a request that timed out may have created the task.
    if (!(err instanceof DeliveryError)) logger.error({ err, groupTaskId: claimed.taskId }, 'group task failed unexpectedly');
    outcome = { errcode: err instanceof DeliveryError ? err.platformCode : 'error' };
  }
  // By id, whatever the state: what happened is what counts (as in send-broadcast-slice.ts).
  await db.transaction(async (tx) => {
    const ids = claimed.recipients.map((r) => r.id);
    if ('errcode' in outcome) {
      await tx
        .update(broadcastGroupTasks)
        .set({ state: 'failed', errcode: outcome.errcode, updatedAt: sql`now()` })
        .where(eq(broadcastGroupTasks.id, claimed.taskId));
      await tx
        .update(broadcastRecipients)
        .set({ state: 'failed', errcode: outcome.errcode, updatedAt: sql`now()` })
        .where(inArray(broadcastRecipients.id, ids));
      return;
    }
    const refused = new Set(outcome.failed);
    await tx
      .update(broadcastGroupTasks)
      .set({ state: 'created', platformTaskId: outcome.taskId, updatedAt: sql`now()` })
      .where(eq(broadcastGroupTasks.id, claimed.taskId));
    const accepted = claimed.recipients.filter((r) => !refused.has(r.externalUserId)).map((r) => r.id);
    const failed = claimed.recipients.filter((r) => refused.has(r.externalUserId)).map((r) => r.id);
    if (accepted.length > 0)
      await tx
        .update(broadcastRecipients)
        .set({ state: 'sent', reason: 'awaiting_member', sentAt: sql`now()`, updatedAt: sql`now()` })
        .where(inArray(broadcastRecipients.id, accepted));
    if (failed.length > 0)
      await tx
        .update(broadcastRecipients)
        .set({ state: 'failed', errcode: 'wecom:fail_list', updatedAt: sql`now()` })
        .where(inArray(broadcastRecipients.id, failed));
  });
  return true;
}

/** The member whose task lists a contact: the first who follows them. */
const FIRST_FOLLOW = sql`cu.profile -> 'wecomContact' -> 'follows' -> 0 ->> 'userId'`;

/**
 * SQL over customer `cu` and its account `a`: the customer goes in a group task of the WeCom app
 * `accountName` — a followed contact who has not opted out. Opted-out customers are left to the
 * per-recipient path, which skips them with the reason. The forecast (forecast-broadcast.ts) asks the same.
 */
export function inGroupTask(accountName: string): SQL {
  return sql`a.channel = 'wecom' and a.name = ${accountName} and ${FIRST_FOLLOW} is not null and not ${optedOut(sql`cu.id`)}`;
}

/** The next member's pending contacts, recorded as a task and marked `sending` in one transaction. */
async function claimGroupTask(db: Database, broadcastId: number, groupSends: PlatformGroupSends): Promise<ClaimedTask | undefined> {
  return db.transaction(async (tx) => {
    const pending = (sender?: string, limit = 1) => sql`
      select r.id::bigint as id, cu.external_id as "externalUserId", ${FIRST_FOLLOW} as sender
      from broadcast_recipients r
      join broadcasts b on b.id = r.broadcast_id and b.state = 'sending'
      join customers cu on cu.id = r.customer_id
      join channel_accounts a on a.id = cu.channel_account_id
      where r.broadcast_id = ${broadcastId} and r.state = 'pending' and ${inGroupTask(groupSends.accountName)}
        ${sender === undefined ? sql`` : sql`and ${FIRST_FOLLOW} = ${sender}`}
      order by r.id limit ${limit}
      for update of r skip locked`;
    type Row = { id: number; externalUserId: string; sender: string };
    const [first] = ((await tx.execute(pending())) as unknown as { rows: Row[] }).rows;
    if (!first) return undefined;
    const rows = ((await tx.execute(pending(first.sender, groupSends.maxPerTask))) as unknown as { rows: Row[] }).rows;
    const [task] = await tx
      .insert(broadcastGroupTasks)
      .values({ broadcastId, sender: first.sender, recipients: rows.length })
      .returning({ id: broadcastGroupTasks.id });
    const ids = rows.map((r) => Number(r.id));
    await tx
      .update(broadcastRecipients)
      .set({ state: 'sending', groupTaskId: task!.id, updatedAt: sql`now()` })
      .where(inArray(broadcastRecipients.id, ids));
    return {
      taskId: task!.id,
      sender: first.sender,
      recipients: rows.map((r) => ({ id: Number(r.id), externalUserId: r.externalUserId })),
    };
  });
}

/**
 * Reads what WeCom did with each created task whose recipients still await their member, and records
 * it per recipient. Run on a schedule (the audience queue); returns how many recipients changed.
 */
export async function checkGroupTaskResults(db: Database, groupSends: PlatformGroupSends): Promise<number> {
  const open = await db
    .selectDistinct({ id: broadcastGroupTasks.id, sender: broadcastGroupTasks.sender, platformTaskId: broadcastGroupTasks.platformTaskId })
    .from(broadcastGroupTasks)
    .innerJoin(broadcastRecipients, eq(broadcastRecipients.groupTaskId, broadcastGroupTasks.id))
    .where(
      and(
        eq(broadcastGroupTasks.state, 'created'),
        isNotNull(broadcastGroupTasks.platformTaskId),
        eq(broadcastRecipients.reason, 'awaiting_member'),
      ),
    );
  let changed = 0;
  for (const task of open) {
    const results = await groupSends.results(task.platformTaskId!, task.sender);
    await db.transaction(async (tx) => {
      const awaiting = await tx
        .select({ id: broadcastRecipients.id, externalId: customers.externalId })
        .from(broadcastRecipients)
        .innerJoin(customers, eq(customers.id, broadcastRecipients.customerId))
        .where(and(eq(broadcastRecipients.groupTaskId, task.id), eq(broadcastRecipients.reason, 'awaiting_member')));
      const recipientOf = new Map(awaiting.map((r) => [r.externalId, r.id]));
      for (const r of results) {
        const id = recipientOf.get(r.externalUserId);
        if (id === undefined || r.outcome === 'waiting') continue;
        const set =
          r.outcome === 'sent'
            ? { reason: null, ...(r.sentAt && { sentAt: r.sentAt }) }
            : r.outcome === 'limit_reached'
              ? { state: 'skipped' as const, reason: 'monthly_limit', sentAt: null }
              : { state: 'failed' as const, reason: null, errcode: 'wecom:not_contact', sentAt: null };
        await tx
          .update(broadcastRecipients)
          .set({ ...set, updatedAt: sql`now()` })
          .where(eq(broadcastRecipients.id, id));
        changed++;
      }
      await tx.update(broadcastGroupTasks).set({ checkedAt: sql`now()` }).where(eq(broadcastGroupTasks.id, task.id));
    });
  }
  return changed;
}

import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { tagRules } from '../db/schema.ts';
import type { Executor } from '../db/transaction.ts';
import { applyTagRules, customerMessagesForRules } from './apply-tag-rules.ts';
import { tagRuleCondition } from './tag-rule-condition.ts';

/** Messages per transaction: small enough that a crash repeats little, large enough to move. */
export const BACKFILL_BATCH = 500;

export type BackfillOutcome = 'done' | 'more' | 'superseded';

/**
 * One step of a rule's backfill over the history: the next batch of customer messages after the
 * cursor, tagged and the cursor moved in one transaction, so a worker killed mid-way goes on from
 * the last batch it committed and never counts one twice. A rule changed since (a newer revision)
 * or removed ends this backfill: the newer one has started over.
 */
export async function backfillTagRuleStep(
  db: Database,
  ruleId: number,
  revision: number,
  batch = BACKFILL_BATCH,
): Promise<BackfillOutcome> {
  return db.transaction(async (tx) => {
    const [rule] = await tx.select().from(tagRules).where(eq(tagRules.id, ruleId)).for('update');
    if (!rule || rule.backfillRevision !== revision || rule.backfillState !== 'running') return 'superseded';
    const condition = tagRuleCondition.parse(rule.condition);
    if (condition.kind === 'inactive') {
      await sweepInactiveRule(tx, { id: rule.id, tagId: rule.tagId, days: condition.days, channels: condition.channels });
      await tx.update(tagRules).set({ backfillState: 'done', backfillCursor: rule.backfillUntil }).where(eq(tagRules.id, ruleId));
      return 'done';
    }
    const messages = await customerMessagesForRules(tx, sql`m.id > ${rule.backfillCursor} and m.id <= ${rule.backfillUntil}`, batch);
    const tagged = await applyTagRules(tx, [{ id: rule.id, tagId: rule.tagId, condition }], messages);
    const finished = messages.length < batch;
    await tx
      .update(tagRules)
      .set({
        backfillCursor: finished ? rule.backfillUntil : messages.at(-1)!.id,
        backfillTagged: sql`${tagRules.backfillTagged} + ${tagged}`,
        ...(finished && { backfillState: 'done' as const }),
      })
      .where(and(eq(tagRules.id, ruleId)));
    return finished ? 'done' : 'more';
  });
}

/** The backfills a restart must go on with: rules whose backfill was running. */
export async function unfinishedBackfills(db: Database): Promise<Array<{ ruleId: number; revision: number }>> {
  return db
    .select({ ruleId: tagRules.id, revision: tagRules.backfillRevision })
    .from(tagRules)
    .where(eq(tagRules.backfillState, 'running'));
}

/**
 * An `inactive` rule's tag on the customers silent for `days` (by their last message), and off
 * those who wrote since: set-based, one statement each way, records included.
 */
export async function sweepInactiveRule(
  db: Executor,
  rule: { id: number; tagId: number; days: number; channels?: readonly string[] | undefined },
): Promise<void> {
  const onChannels = rule.channels
    ? sql`and a.channel in (${sql.join(
        rule.channels.map((c) => sql`${c}`),
        sql`, `,
      )})`
    : sql``;
  const cutoff = sql`now() - make_interval(days => ${rule.days})`;
  await db.execute(sql`
    with added as (
      insert into customer_tags (customer_id, tag_id, source, rule_id)
      select cu.id, ${rule.tagId}, 'rule', ${rule.id}
      from customers cu join channel_accounts a on a.id = cu.channel_account_id
      where cu.last_seen_at < ${cutoff} ${onChannels}
      on conflict do nothing
      returning customer_id)
    insert into customer_tag_events (customer_id, tag_id, action, source, rule_id)
    select customer_id, ${rule.tagId}, 'added', 'rule', ${rule.id} from added`);
  await db.execute(sql`
    with removed as (
      delete from customer_tags ct using customers cu
      where ct.customer_id = cu.id and ct.tag_id = ${rule.tagId} and ct.rule_id = ${rule.id} and cu.last_seen_at >= ${cutoff}
      returning ct.customer_id)
    insert into customer_tag_events (customer_id, tag_id, action, source, rule_id)
    select customer_id, ${rule.tagId}, 'removed', 'rule', ${rule.id} from removed`);
}

/** The hourly sweep: every enabled `inactive` rule. */
export async function sweepInactiveRules(db: Database): Promise<number> {
  const rules = await db.select().from(tagRules).where(eq(tagRules.enabled, true));
  let swept = 0;
  for (const rule of rules) {
    const condition = tagRuleCondition.parse(rule.condition);
    if (condition.kind !== 'inactive') continue;
    await db.transaction((tx) =>
      sweepInactiveRule(tx, { id: rule.id, tagId: rule.tagId, days: condition.days, channels: condition.channels }),
    );
    swept++;
  }
  return swept;
}

import { asc, eq, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { tagRules } from '../db/schema.ts';
import type { Executor } from '../db/transaction.ts';
import { tagCustomer, untagCustomer } from '../customers/customer-tags.ts';
import { type MessageCondition, messageMeets, type RuleMessage, type TagRuleCondition, tagRuleCondition } from './tag-rule-condition.ts';

/** A rule as the worker runs it. */
export interface RunnableRule {
  id: number;
  tagId: number;
  condition: TagRuleCondition;
}

/** A customer message with what the rules need (src/audience/tag-rule-condition.ts). */
export interface CustomerMessageForRules extends RuleMessage {
  id: number;
  customerId: number;
  createdAt: Date;
}

/** How many of a customer's messages `times` may look back over: more than any rule counts to. */
const COUNT_WINDOW_LIMIT = 1000;

export async function enabledTagRules(db: Executor): Promise<RunnableRule[]> {
  const rows = await db
    .select({ id: tagRules.id, tagId: tagRules.tagId, condition: tagRules.condition })
    .from(tagRules)
    .where(eq(tagRules.enabled, true))
    .orderBy(asc(tagRules.id));
  return rows.map((row) => ({ ...row, condition: tagRuleCondition.parse(row.condition) }));
}

/**
 * Customer messages (not platform events) with their channel and the meta of the bot's reply that
 * answered them, by id. `where` narrows them (aliases: m message, c conversation).
 */
export async function customerMessagesForRules(db: Executor, where: SQL, limit: number): Promise<CustomerMessageForRules[]> {
  const result = await db.execute(sql`
    select m.id::bigint as id, c.customer_id::bigint as "customerId", a.channel, coalesce(m.text, '') as text,
           m.created_at as "createdAt", coalesce(r.meta, '{}'::jsonb) as "replyMeta"
    from messages m
    join conversations c on c.id = m.conversation_id
    join channel_accounts a on a.id = m.channel_account_id
    left join messages r on r.id = m.answered_by_id
    where m.direction = 'in' and m.sender = 'customer' and m.kind <> 'event' and ${where}
    order by m.id
    limit ${limit}`);
  return (result as unknown as { rows: Array<Record<string, unknown>> }).rows.map((row) => ({
    id: Number(row.id),
    customerId: Number(row.customerId),
    channel: String(row.channel),
    text: String(row.text),
    createdAt: new Date(row.createdAt as string | Date),
    replyMeta: (row.replyMeta ?? {}) as Record<string, unknown>,
  }));
}

/**
 * Whether `message` meets the rule: the message itself, and with `times` > 1 enough of the
 * customer's messages in the `withinDays` before it (itself included).
 */
async function ruleMetBy(db: Executor, condition: MessageCondition, message: CustomerMessageForRules): Promise<boolean> {
  if (!messageMeets(condition, message)) return false;
  if (condition.times <= 1) return true;
  const since = new Date(message.createdAt.getTime() - (condition.withinDays ?? 0) * 86_400_000);
  const earlier = await customerMessagesForRules(
    db,
    sql`c.customer_id = ${message.customerId} and m.created_at > ${since} and m.id <= ${message.id}`,
    COUNT_WINDOW_LIMIT,
  );
  return earlier.filter((m) => messageMeets(condition, m)).length >= condition.times;
}

/** A tag a rule sets from the brain's reading (intent, entity) is the brain's; the rest are the rule's. */
const sourceOf = (condition: TagRuleCondition) => (condition.kind === 'intent' || condition.kind === 'entity' ? 'brain' : 'rule');

/**
 * Runs the rules over these messages: tags the customers whose messages meet them, and takes off
 * the tags of `inactive` rules from customers who wrote. Returns how many tags were put on.
 */
export async function applyTagRules(
  db: Executor,
  rules: readonly RunnableRule[],
  messages: readonly CustomerMessageForRules[],
): Promise<number> {
  let tagged = 0;
  for (const message of messages) {
    for (const rule of rules) {
      const setter = { source: sourceOf(rule.condition), ruleId: rule.id } as const;
      if (rule.condition.kind === 'inactive') {
        await untagCustomer(db, message.customerId, rule.tagId, setter);
      } else if (await ruleMetBy(db, rule.condition, message)) {
        if (await tagCustomer(db, message.customerId, rule.tagId, setter)) tagged++;
      }
    }
  }
  return tagged;
}

/** The worker's job after a turn: the enabled rules over the turn's customer messages. */
export async function applyTagRulesToMessages(db: Database, messageIds: readonly number[]): Promise<number> {
  if (messageIds.length === 0) return 0;
  const rules = await enabledTagRules(db);
  if (rules.length === 0) return 0;
  const ids = sql.join(
    messageIds.map((id) => sql`${id}`),
    sql`, `,
  );
  const messages = await customerMessagesForRules(db, sql`m.id in (${ids})`, messageIds.length);
  return db.transaction((tx) => applyTagRules(tx, rules, messages));
}

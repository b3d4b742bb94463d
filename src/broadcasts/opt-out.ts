import { type SQL, sql } from 'drizzle-orm';
import { customerMessagesForRules } from '../audience/apply-tag-rules.ts';
import { tagCustomer, tagIdByName } from '../customers/customer-tags.ts';
import type { Database } from '../db/connect.ts';

/**
 * Opting out of broadcasts (docs/marketing.md, "Broadcasts"): a customer whose whole message is
 * one of these words gets the tag 退订, and no broadcast goes to a customer with it. Whole messages
 * only: 「我不想退订」 or a sentence quoting TD is no request. These are the replies WeChat-family
 * marketing messages conventionally tell people to send (回复 TD 退订), not words of one business.
 */
const OPT_OUT_WORDS = new Set(['退订', 'td', '取消订阅', 'unsubscribe']);

/** The tag that marks an opt-out (made in 未分组 the first time someone opts out). */
export const OPT_OUT_TAG = '退订';

/** Spaces and punctuation around the word (「TD。」, 「 退订! 」) do not change the request. */
export function isOptOut(text: string): boolean {
  return OPT_OUT_WORDS.has(text.replace(/[\s\p{P}\p{S}]+/gu, '').toLowerCase());
}

/** Tags the writers of these customer messages who asked to opt out; returns how many were newly tagged. */
export async function recordOptOuts(db: Database, messageIds: number[]): Promise<number> {
  if (messageIds.length === 0) return 0;
  const where: SQL = sql`m.id in (${sql.join(
    messageIds.map((id) => sql`${id}`),
    sql`, `,
  )})`;
  const asking = (await customerMessagesForRules(db, where, messageIds.length)).filter((m) => isOptOut(m.text));
  if (asking.length === 0) return 0;
  return db.transaction(async (tx) => {
    const tagId = await tagIdByName(tx, OPT_OUT_TAG);
    let tagged = 0;
    // A word list’s work, not a rule row’s: source `rule` without a rule id.
    for (const customerId of new Set(asking.map((m) => m.customerId)))
      if (await tagCustomer(tx, customerId, tagId, { source: 'rule' })) tagged++;
    return tagged;
  });
}

/** SQL: the customer (`customerIdSql`) has opted out. */
export function optedOut(customerIdSql: SQL): SQL {
  return sql`exists (select 1 from customer_tags ct join tags t on t.id = ct.tag_id
    where ct.customer_id = ${customerIdSql} and lower(t.name) = lower(${OPT_OUT_TAG}))`;
}

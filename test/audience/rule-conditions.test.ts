import test from 'ava';
import { eq, sql } from 'drizzle-orm';
import { applyTagRulesToMessages } from '../../src/audience/apply-tag-rules.ts';
import { sweepInactiveRules } from '../../src/audience/backfill-tag-rule.ts';
import { tagIdByName } from '../../src/customers/customer-tags.ts';
import { customers, customerTags, messages, tagRules } from '../../src/db/schema.ts';
import { customerWrites } from '../support/conversation-fixtures.ts';
import { migratedDatabase } from '../support/databases.ts';

async function database(t: import('ava').ExecutionContext) {
  const migrated = await migratedDatabase('postgres');
  t.teardown(migrated.close);
  return migrated.handle.db;
}

/** The id of the customer message `customerWrites` just stored. */
async function lastMessageId(db: Awaited<ReturnType<typeof database>>, conversationId: number): Promise<number> {
  const [row] = await db
    .execute(sql`select max(id)::int as id from messages where conversation_id = ${conversationId}`)
    .then((r) => (r as unknown as { rows: Array<{ id: number }> }).rows);
  return row!.id;
}

test('a counting rule tags on the message that makes the count, and messages older than its window do not count', async (t) => {
  const db = await database(t);
  const tagId = await tagIdByName(db, '退款关注');
  await db
    .insert(tagRules)
    .values({ name: '反复问退款', tagId, condition: { kind: 'keywords', words: ['退款'], times: 2, withinDays: 30 } });

  const first = await customerWrites(db, { customer: 'wangwu', text: '怎么退款' });
  // Forty days ago: outside the window.
  await db.update(messages).set({ createdAt: sql`now() - interval '40 days'` }).where(eq(messages.conversationId, first.conversationId));
  const second = await customerWrites(db, { customer: 'wangwu', text: '退款还没到账？' });
  t.is(await applyTagRulesToMessages(db, [await lastMessageId(db, second.conversationId)]), 0, 'one in the window is not two');
  const third = await customerWrites(db, { customer: 'wangwu', text: '问下ＴＵＩ款…不，退款进度' });
  t.is(await applyTagRulesToMessages(db, [await lastMessageId(db, third.conversationId)]), 1, 'the second in 30 days tags');
  t.is(await applyTagRulesToMessages(db, [await lastMessageId(db, third.conversationId)]), 0, 'run again, nothing new');
  t.deepEqual(
    (await db.select().from(customerTags)).map((r) => [r.customerId, r.tagId, r.source]),
    [[first.customerId, tagId, 'rule']],
  );
});

test('an intent rule reads the bot’s answer to the message, and the tag it sets is the brain’s', async (t) => {
  const db = await database(t);
  const tagId = await tagIdByName(db, '物流');
  await db.insert(tagRules).values({ name: '问物流', tagId, condition: { kind: 'intent', intents: ['多久发货'] } });
  const asked = await customerWrites(db, { customer: 'c1', text: '啥时候能到' });
  const messageId = await lastMessageId(db, asked.conversationId);
  const [reply] = await db
    .insert(messages)
    .values({
      conversationId: asked.conversationId,
      channelAccountId: asked.channelAccountId,
      direction: 'out',
      sender: 'bot',
      kind: 'text',
      text: '下单后 48 小时内发货',
      content: {},
      status: 'sent',
      replyToId: messageId,
      meta: { question: '多久发货', entryId: 3 },
    })
    .returning();
  await db.update(messages).set({ answeredById: reply!.id }).where(eq(messages.id, messageId));

  t.is(await applyTagRulesToMessages(db, [messageId]), 1);
  t.like((await db.select().from(customerTags))[0], { tagId, source: 'brain' });
});

test('an inactivity rule tags the silent at the sweep, and takes the tag off when they write again', async (t) => {
  const db = await database(t);
  const tagId = await tagIdByName(db, '沉睡客户');
  await db.insert(tagRules).values({ name: '60 天未联系', tagId, condition: { kind: 'inactive', days: 60 } });
  const silent = await customerWrites(db, { customer: 'old', text: '你好' });
  const recent = await customerWrites(db, { customer: 'new', text: '你好' });
  await db.update(customers).set({ lastSeenAt: sql`now() - interval '61 days'` }).where(eq(customers.id, silent.customerId));

  t.is(await sweepInactiveRules(db), 1);
  t.deepEqual(
    (await db.select().from(customerTags)).map((r) => r.customerId),
    [silent.customerId],
  );
  t.not(silent.customerId, recent.customerId);

  const back = await customerWrites(db, { customer: 'old', text: '我回来了' });
  await applyTagRulesToMessages(db, [await lastMessageId(db, back.conversationId)]);
  t.deepEqual(await db.select().from(customerTags), [], 'writing again ends the silence');
  await sweepInactiveRules(db);
  t.deepEqual(await db.select().from(customerTags), [], 'and the sweep agrees');
});

import test from 'ava';
import { eq } from 'drizzle-orm';
import { customerTagHistory, tagCustomer, tagIdByName } from '../../src/customers/customer-tags.ts';
import { mergeVisitorHistory } from '../../src/conversations/merge-visitor-history.ts';
import { channelAccounts, customers, customerTags } from '../../src/db/schema.ts';
import { migratedDatabase } from '../support/databases.ts';

test('a signed-in visitor keeps the tags their anonymous self had, merged with their own', async (t) => {
  const database = await migratedDatabase('postgres');
  t.teardown(database.close);
  const { db } = database.handle;
  const [account] = await db.insert(channelAccounts).values({ channel: 'web', name: 'default' }).returning();
  const [anonymous, known] = await db
    .insert(customers)
    .values([
      { channelAccountId: account!.id, externalId: 'v:anon' },
      { channelAccountId: account!.id, externalId: 'u:42' },
    ])
    .returning();
  const [vip, fresh] = [await tagIdByName(db, 'VIP'), await tagIdByName(db, 'new')];
  await tagCustomer(db, anonymous!.id, vip, { source: 'rule', ruleId: 7 });
  await tagCustomer(db, anonymous!.id, fresh, { source: 'rule', ruleId: 7 });
  await tagCustomer(db, known!.id, fresh, { source: 'manual' });

  t.true(await mergeVisitorHistory(db, account!.id, 'v:anon', 'u:42'));
  const tags = await db.select().from(customerTags).where(eq(customerTags.customerId, known!.id)).orderBy(customerTags.tagId);
  t.deepEqual(
    tags.map((row) => [row.tagId === vip ? 'VIP' : 'new', row.source]),
    [
      ['VIP', 'rule'],
      ['new', 'manual'],
    ],
  );
  t.is((await db.select().from(customerTags)).length, 2, 'nothing left on the merged-away customer');
  t.deepEqual(
    (await customerTagHistory(db, known!.id)).map((e) => [e.tag, e.action, e.source]),
    [
      ['new', 'added', 'manual'],
      ['new', 'added', 'rule'],
      ['VIP', 'added', 'rule'],
    ],
    'the history moves with the tags (newest first)',
  );
});

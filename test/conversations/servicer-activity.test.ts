import test from 'ava';
import { eq } from 'drizzle-orm';
import { recordServicerSessionChange } from '../../src/conversations/servicer-activity.ts';
import { conversations, teams } from '../../src/db/schema.ts';
import { customerWrites } from '../support/conversation-fixtures.ts';
import { migratedDatabase } from '../support/databases.ts';
import { RecordedEvents } from '../support/recorded-events.ts';

test('a servicer taking a team’s conversation in the WeCom client tells that team’s consoles', async (t) => {
  const database = await migratedDatabase('postgres');
  t.teardown(database.close);
  const { db } = database.handle;
  const [team] = await db.insert(teams).values({ name: '售后' }).returning();
  const { conversationId } = await customerWrites(db, { channel: 'wecom-kf', customer: 'wm-1', text: '人工' });
  await db.update(conversations).set({ teamId: team!.id }).where(eq(conversations.id, conversationId));
  const events = new RecordedEvents();

  const outcome = await recordServicerSessionChange(
    { db, events },
    {
      channel: 'wecom-kf',
      accountName: 'default',
      customerExternalId: 'wm-1',
      change: { kind: 'picked_up', servicerUserId: 'lisi' },
      dedupeKey: 'evt-1',
      sentAt: new Date(),
    },
  );

  t.is(outcome, 'recorded');
  t.deepEqual(events.published, [{ conversationId, change: 'assigned', status: 'human', assignee: null, teamId: team!.id }]);
});

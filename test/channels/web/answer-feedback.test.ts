import test from 'ava';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../../src/db/rows.ts';
import { ScriptedBrain } from '../../support/scripted-brain.ts';
import { startHarness } from '../../support/wecom-service.ts';
import { countFrom, WebVisitor } from '../../support/web-visitor.ts';

test('a visitor rates the bot’s answers to them, may change the vote, and can rate nothing else', async (t) => {
  const h = await startHarness({ database: 'postgres', brain: new ScriptedBrain() });
  t.teardown(() => h.close());
  const alice = new WebVisitor(h.baseUrl);
  const bob = new WebVisitor(h.baseUrl);
  await alice.startSession();
  await bob.startSession();
  const stream = await alice.stream({ lastEventId: 0 });
  t.is((await alice.send('退货要多久')).status, 202);
  await stream.waitFor((e) => countFrom(e, 'bot') === 1, 30_000, 'the bot’s answer');
  stream.close();
  const [question, answer] = await alice.history();
  const rate = (who: WebVisitor, body: unknown) =>
    fetch(`${who.api}/feedback`, {
      method: 'POST',
      headers: who.headers({ 'Content-Type': 'application/json' }),
      body: JSON.stringify(body),
    });
  const stored = () =>
    queryRows<{ message_id: string; rating: string; source: string }>(
      h.service.db,
      sql`select message_id, rating, source from answer_feedback`,
    );

  const down = await rate(alice, { messageId: answer!.id, rating: 'down' });
  t.is(down.status, 200);
  t.deepEqual(await down.json(), { messageId: answer!.id, rating: 'down' });
  t.deepEqual(await stored(), [{ message_id: String(answer!.id), rating: 'down', source: 'web' }]);

  t.is((await rate(alice, { messageId: answer!.id, rating: 'up' })).status, 200, 'a second vote replaces the first');
  t.deepEqual(
    (await stored()).map((r) => r.rating),
    ['up'],
  );

  t.is((await rate(bob, { messageId: answer!.id, rating: 'down' })).status, 404, 'another visitor cannot rate her answer');
  t.is((await rate(alice, { messageId: question!.id, rating: 'down' })).status, 404, 'only the bot’s answers are rated');
  t.is((await rate(alice, { messageId: answer!.id, rating: 'meh' })).status, 400);
  t.is((await fetch(`${alice.api}/feedback`, { method: 'POST', body: '{}' })).status, 401, 'a session is required');
  t.deepEqual(
    (await stored()).map((r) => r.rating),
    ['up'],
  );
});

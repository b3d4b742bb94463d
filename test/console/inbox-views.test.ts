import test from 'ava';
import { call, type ConsoleApp, logIn, seedUser, startConsoleApp } from '../support/console-api.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { seedConversations } from '../support/inbox-seed.ts';

type Item = { id: number; status: string; unread: number; resolvedAt: string | null };
type Page = { conversations: Item[]; nextCursor: string | null };

async function signedIn(app: ConsoleApp, email: string, role: 'agent' | 'supervisor') {
  const user = await seedUser(app.database, email, role);
  const session = await logIn(app.baseUrl, email);
  const as = (method: string, path: string, body?: unknown) =>
    call(app.baseUrl, method, path, { cookie: session.cookie, csrf: session.csrf, body });
  const json = async <T>(method: string, path: string, body?: unknown) => {
    const response = await as(method, path, body);
    if (response.status >= 300) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  };
  const ids = async (query: string) => (await json<Page>('GET', `/api/conversations${query}`)).conversations.map((c) => c.id);
  /** Every page of a query, `limit` at a time, by cursor. */
  const allPages = async (query: string, limit: number) => {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await json<Page>('GET', `/api/conversations?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.conversations.map((c) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    return seen;
  };
  return { id: user.id, as, json, ids, allPages };
}

for (const database of DATABASE_KINDS) {
  test.serial(
    `${database}: each inbox view lists what it promises in its order, and pages by cursor without repeats or gaps`,
    async (t) => {
      const app = await startConsoleApp(database, { conversations: true });
      t.teardown(() => app.close());
      const agent = await signedIn(app, 'agent@example.com', 'agent');
      const other = await signedIn(app, 'other@example.com', 'agent');
      const boss = await signedIn(app, 'boss@example.com', 'supervisor');
      const [longWait, shortWait, mineOld, mineNew, othersHeld, bot, closed] = await seedConversations(app.database, [
        { customer: 'a', status: 'needs_human', waitingFor: 30, lastMessageAgo: 1 },
        { customer: 'b', status: 'needs_human', waitingFor: 5, lastMessageAgo: 40, channel: 'web' },
        { customer: 'c', status: 'human', assignee: agent.id, lastMessageAgo: 20 },
        { customer: 'd', status: 'human', assignee: agent.id, lastMessageAgo: 2 },
        { customer: 'e', status: 'human', assignee: other.id, lastMessageAgo: 3 },
        { customer: 'f', status: 'bot', lastMessageAgo: 10 },
        { customer: 'g', status: 'closed', lastMessageAgo: 0 },
      ]).then((rows) => rows.map((r) => r.id));

      t.deepEqual(await agent.ids('?view=waiting'), [longWait, shortWait], 'longest wait first');
      t.deepEqual(await agent.ids('?view=mine'), [mineNew, mineOld], 'latest message first');
      t.deepEqual(await agent.ids('?view=all'), [longWait, shortWait, mineNew, mineOld], 'an agent: waiting, then their own');
      t.deepEqual(await agent.ids(''), await agent.ids('?view=all'), 'all is the default view');
      const everything = [longWait, shortWait, mineNew, othersHeld, bot, mineOld];
      t.deepEqual(await boss.ids('?view=all'), everything, 'a supervisor: waiting, then every open one by last message');
      t.deepEqual(await boss.ids('?view=all&status=closed'), [closed]);
      t.deepEqual(await boss.ids('?view=all&status=needs_human'), [longWait, shortWait]);
      t.deepEqual(await boss.ids('?view=waiting&channel=web'), [shortWait]);
      t.deepEqual(await boss.ids('?view=mine'), []);
      for (const limit of [1, 2, 4]) t.deepEqual(await boss.allPages('view=all', limit), everything, `pages of ${limit}`);

      t.deepEqual(await agent.ids('?view=resolved'), []);
      t.is((await agent.as('POST', `/api/conversations/${mineOld}/resolve`)).status, 204);
      t.is((await agent.as('POST', `/api/conversations/${mineNew}/close`)).status, 204);
      t.is((await other.as('POST', `/api/conversations/${othersHeld}/resolve`)).status, 204);
      t.deepEqual(await agent.ids('?view=resolved'), [mineNew, mineOld], 'the ones they resolved or closed, most recent first');
      t.deepEqual(await boss.ids('?view=resolved'), [othersHeld, mineNew, mineOld]);
      t.deepEqual(await boss.allPages('view=resolved', 1), [othersHeld, mineNew, mineOld]);
      const resolved = await agent.json<Item>('GET', `/api/conversations/${mineOld}`);
      t.is(resolved.status, 'bot');
      t.truthy(resolved.resolvedAt, 'an agent opens what they resolved');
      t.is((await other.as('GET', `/api/conversations/${mineOld}`)).status, 403, 'not what someone else resolved');
      t.deepEqual(await agent.ids('?view=team'), [], 'in no team, the team view is empty');
    },
  );

  test.serial(
    `${database}: unread counts the customer's messages after the caller's own read marker, which moves forward only`,
    async (t) => {
      const app = await startConsoleApp(database, { conversations: true });
      t.teardown(() => app.close());
      const agent = await signedIn(app, 'agent@example.com', 'agent');
      const boss = await signedIn(app, 'boss@example.com', 'supervisor');
      const [waiting, elsewhere] = await seedConversations(app.database, [
        {
          customer: 'a',
          status: 'needs_human',
          waitingFor: 3,
          lastMessageAgo: 1,
          messages: [
            { sender: 'customer', text: '订单没到' },
            { sender: 'bot', text: '正在为您转接人工客服' },
            { sender: 'customer', text: '单号 123' },
            { sender: 'customer', text: 'enter_session', kind: 'event' },
            { sender: 'customer', text: '在吗' },
          ],
        },
        { customer: 'b', status: 'bot', lastMessageAgo: 5, messages: [{ sender: 'customer', text: '你好' }] },
      ]);
      const [first, , second] = waiting!.messageIds;
      const unreadOf = async (who: typeof agent) =>
        (await who.json<Page>('GET', '/api/conversations?view=waiting')).conversations[0]!.unread;
      t.is(await unreadOf(agent), 3, 'customer messages only: not the bot’s, not platform events');
      t.deepEqual(await agent.json('GET', '/api/conversations/counts'), { waiting: 1, mine: 0, all: 1, unread: 1 });
      t.deepEqual(await boss.json('GET', '/api/conversations/counts'), { waiting: 1, mine: 0, all: 2, unread: 1 });

      await agent.json('GET', `/api/conversations/${waiting!.id}/messages`);
      t.is(await unreadOf(agent), 3, 'reading the history does not mark it read');
      t.deepEqual(await agent.json('POST', `/api/conversations/${waiting!.id}/read`, { messageId: second }), { lastReadMessageId: second });
      t.is(await unreadOf(agent), 1);
      t.deepEqual(
        await agent.json('POST', `/api/conversations/${waiting!.id}/read`, { messageId: first }),
        { lastReadMessageId: second },
        'never backwards',
      );
      t.is(await unreadOf(agent), 1);
      await agent.json('POST', `/api/conversations/${waiting!.id}/read`, {});
      t.is(await unreadOf(agent), 0, 'without a message id: up to the newest');
      t.deepEqual(await agent.json('GET', '/api/conversations/counts'), { waiting: 1, mine: 0, all: 1, unread: 0 });
      t.is(await unreadOf(boss), 3, 'each person has their own marker');

      const foreign = await agent.as('POST', `/api/conversations/${waiting!.id}/read`, { messageId: elsewhere!.messageIds[0] });
      t.is(foreign.status, 400, 'a message of another conversation');
      t.is((await agent.as('POST', `/api/conversations/${elsewhere!.id}/read`, {})).status, 403, 'an agent reads what they may see only');
      t.is((await agent.as('POST', '/api/conversations/999999/read', {})).status, 404);
    },
  );
}

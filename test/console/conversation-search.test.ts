import test from 'ava';
import { snippetAround } from '../../src/conversations/search-conversations.ts';
import { call, type ConsoleApp, logIn, rowsOf, seedUser, startConsoleApp } from '../support/console-api.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { seedConversations } from '../support/inbox-seed.ts';

type Hit = { id: number; snippet: string | null; unread: number; customer: { externalId: string } };

async function searcher(app: ConsoleApp, email: string, role: 'agent' | 'supervisor') {
  const user = await seedUser(app.database, email, role);
  const session = await logIn(app.baseUrl, email);
  const search = async (q: string) => {
    const response = await call(app.baseUrl, 'GET', `/api/conversations/search?q=${encodeURIComponent(q)}`, { cookie: session.cookie });
    if (response.status !== 200) throw new Error(`search ${q} answered ${response.status}: ${await response.text()}`);
    return ((await response.json()) as { conversations: Hit[] }).conversations;
  };
  return { id: user.id, search, ids: async (q: string) => (await search(q)).map((h) => h.id), cookie: session.cookie };
}

for (const database of DATABASE_KINDS) {
  test.serial(
    `${database}: search finds conversations by message text (Chinese substrings too) and by customer, with a snippet, within what the caller may read`,
    async (t) => {
      const app = await startConsoleApp(database, { conversations: true });
      t.teardown(() => app.close());
      const agent = await searcher(app, 'agent@example.com', 'agent');
      const boss = await searcher(app, 'boss@example.com', 'supervisor');
      const [refund, invoice, vip, botOnly] = await seedConversations(app.database, [
        {
          customer: 'wx-zhang',
          displayName: '张三',
          status: 'needs_human',
          waitingFor: 5,
          lastMessageAgo: 5,
          messages: [
            { sender: 'customer', text: '你好' },
            { sender: 'customer', text: '我上周买的电热水壶坏了，申请退款需要多久才能到账？' },
          ],
        },
        {
          customer: 'wx-li',
          displayName: '李四',
          status: 'human',
          assignee: boss.id,
          lastMessageAgo: 1,
          messages: [{ sender: 'customer', text: 'Need an INVOICE for order 100% paid' }],
        },
        { customer: 'vip-0001', displayName: 'Wang Wu', status: 'needs_human', waitingFor: 1, lastMessageAgo: 2 },
        {
          customer: 'wx-zhao',
          displayName: '赵六',
          status: 'bot',
          lastMessageAgo: 0,
          messages: [{ sender: 'customer', text: '退款到账了吗' }],
        },
      ]).then((rows) => rows.map((r) => r.id));

      const [hit] = await boss.search('退款需要');
      t.is(hit!.id, refund!);
      t.is(hit!.snippet, '我上周买的电热水壶坏了，申请退款需要多久才能到账？');
      t.is(hit!.unread, 2, 'hits are inbox items, with the caller’s unread count');
      t.deepEqual(await boss.ids('退款'), [botOnly, refund], 'a two-character query: most recent first');
      t.deepEqual(await boss.ids('invoice'), [invoice], 'case-insensitive');
      t.deepEqual(await boss.ids('张三'), [refund], 'by display name');
      t.deepEqual(await boss.ids('VIP-00'), [vip], 'by external id');
      t.is((await boss.search('Wang'))[0]!.snippet, null, 'a customer match has no message snippet');
      t.deepEqual(await boss.ids('100%'), [invoice], '% is a character, not a wildcard');
      t.deepEqual(await boss.ids('1_0'), [], '_ is a character, not a wildcard');
      t.deepEqual(await boss.ids('退货'), []);

      t.deepEqual(await agent.ids('退款'), [refund], 'an agent: not the bot’s conversation');
      t.deepEqual(await agent.ids('invoice'), [], 'nor one someone else holds');
      t.is((await call(app.baseUrl, 'GET', '/api/conversations/search?q=', { cookie: agent.cookie })).status, 400);

      const indexes = await rowsOf<{ indexname: string }>(
        app.database,
        "select indexname from pg_indexes where indexname in ('messages_text_trgm', 'customers_display_name_trgm', 'customers_external_id_trgm') order by 1",
      );
      t.deepEqual(
        indexes.map((i) => i.indexname),
        ['customers_display_name_trgm', 'customers_external_id_trgm', 'messages_text_trgm'],
        'pg_trgm is installed and indexes the searched columns',
      );
    },
  );
}

test('a snippet is the text around the first match, cut with … on the sides that were cut', (t) => {
  const text = `${'前'.repeat(40)}退款${'后'.repeat(40)}`;
  t.is(snippetAround(text, '退款'), `…${'前'.repeat(24)}退款${'后'.repeat(24)}…`);
  t.is(snippetAround('Refund please', 'REFUND'), 'Refund please');
});

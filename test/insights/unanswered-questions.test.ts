import test from 'ava';
import { callJson } from '../support/console-api.ts';
import { staffMember } from '../support/staff-members.ts';
import { startHarness } from '../support/wecom-service.ts';
import { askAsNewVisitor } from '../support/web-visitor.ts';

interface Group {
  knowledgeBase: string;
  question: string;
  count: number;
  reasons: { declined: number; handoff: number; thumbs_down: number };
  wordings: Array<{ text: string; count: number }>;
  questionIds: number[];
}
interface Retested {
  question: string;
  answered: boolean;
  byChangedEntry: boolean;
}

const ENGRAVING_ANSWER = '可以免费刻字，下单时在备注里写上要刻的字即可。';

test('declined questions and 👎 answers are grouped in 未知问题, re-tested, and one click makes the FAQ entry the bot then answers with', async (t) => {
  const h = await startHarness({ database: 'postgres' });
  t.teardown(() => h.close());
  const admin = await staffMember(h, 'admin@example.com', 'admin');
  const supervisor = await staffMember(h, 'lead@example.com', 'supervisor');
  const agent = await staffMember(h, 'agent@example.com', 'agent');

  for (const question of ['可以刻字吗？', '能刻字吗', '可以刻字吗？']) {
    t.notRegex((await askAsNewVisitor(h.baseUrl, question)).reply.text, /刻字/, 'the demo store does not know about engraving');
  }
  const shipped = await askAsNewVisitor(h.baseUrl, '下单后多久发货？');
  t.regex(shipped.reply.text, /48小时内发货/);
  const rated = await fetch(`${shipped.visitor.api}/feedback`, {
    method: 'POST',
    headers: shipped.visitor.headers({ 'Content-Type': 'application/json' }),
    body: JSON.stringify({ messageId: shipped.reply.id, rating: 'down' }),
  });
  t.is(rated.status, 200);

  t.is((await callJson(h.baseUrl, agent, 'GET', '/api/unanswered')).status, 403, 'agents do not see 未知问题');
  const listed = await callJson<{ groups: Group[]; turns: number }>(h.baseUrl, supervisor, 'GET', '/api/unanswered');
  t.is(listed.status, 200);
  t.is(listed.body.turns, 4);
  const [engraving, shipping] = listed.body.groups;
  t.like(engraving, { knowledgeBase: 'default', question: '可以刻字吗？', count: 3, reasons: { declined: 3, handoff: 0, thumbs_down: 0 } });
  t.deepEqual(engraving!.wordings, [
    { text: '可以刻字吗？', count: 2 },
    { text: '能刻字吗', count: 1 },
  ]);
  t.like(shipping, { question: '下单后多久发货？', count: 1, reasons: { declined: 0, handoff: 0, thumbs_down: 1 } });

  const change = { kind: 'new_entry', question: '可以刻字吗？', similar: ['能刻字吗'], answer: ENGRAVING_ANSWER };
  const before = await callJson<{ results: Retested[] }>(h.baseUrl, admin, 'POST', '/api/unanswered/retest', {
    kbName: 'default',
    questions: ['可以刻字吗？', '能刻字吗', '刻字服务有吗'],
    change,
  });
  t.is(before.status, 200);
  t.deepEqual(
    before.body.results.map((r) => [r.question, r.answered && r.byChangedEntry]),
    [
      ['可以刻字吗？', true],
      ['能刻字吗', true],
      ['刻字服务有吗', true],
    ],
    'the re-test shows the group answered by the entry before anything is saved',
  );
  const body = { kbName: 'default', questionIds: engraving!.questionIds, change };
  t.is((await callJson(h.baseUrl, supervisor, 'POST', '/api/unanswered/answers', body)).status, 403, 'only admins change the knowledge');
  const saved = await callJson<{ entryQuestion: string; document: string; version: number }>(
    h.baseUrl,
    admin,
    'POST',
    '/api/unanswered/answers',
    body,
  );
  t.is(saved.status, 201, JSON.stringify(saved.body));
  t.deepEqual(saved.body, { entryQuestion: '可以刻字吗？', document: '未知问题.csv', version: 1 });
  t.is((await callJson(h.baseUrl, admin, 'POST', '/api/unanswered/answers', body)).status, 409, 'the same entry twice is refused');

  const after = await callJson<{ groups: Group[]; turns: number }>(h.baseUrl, admin, 'GET', '/api/unanswered');
  t.deepEqual(
    after.body.groups.map((g) => g.question),
    ['下单后多久发货？'],
    'an answered group leaves the list',
  );
  const audit = await callJson<{ entries: Array<{ action: string; details: Record<string, unknown> }> }>(
    h.baseUrl,
    admin,
    'GET',
    '/api/audit?action=unanswered.new_entry',
  );
  t.like(audit.body.entries[0], {
    action: 'unanswered.new_entry',
    details: { document: '未知问题.csv', entryQuestion: '可以刻字吗？', questions: 3 },
  });

  // The running worker hears the kb-changed announcement and reloads: the same question is answered.
  let reply = '';
  for (const start = Date.now(); reply !== ENGRAVING_ANSWER && Date.now() - start < 10_000; ) {
    reply = (await askAsNewVisitor(h.baseUrl, '能刻字吗')).reply.text;
  }
  t.is(reply, ENGRAVING_ANSWER);

  // A later wording joins the entry as a similar question, re-tested first.
  const gift = await askAsNewVisitor(h.baseUrl, '礼物上能印名字吗');
  const [giftQuestion] = await gift.visitor.history();
  const search = await callJson<{ results: Array<{ chunkId: string; question: string | null }> }>(
    h.baseUrl,
    admin,
    'GET',
    `/api/knowledge/search?kb=default&q=${encodeURIComponent('可以刻字吗')}`,
  );
  const entry = search.body.results.find((r) => r.question === '可以刻字吗？')!;
  const similar = { kind: 'similar_questions', entryId: entry.chunkId, similar: ['礼物上能印名字吗'] };
  const retested = await callJson<{ results: Retested[] }>(h.baseUrl, admin, 'POST', '/api/unanswered/retest', {
    kbName: 'default',
    questions: ['礼物上能印名字吗'],
    change: similar,
  });
  t.like(retested.body.results[0], { answered: true, byChangedEntry: true });
  const extended = await callJson(h.baseUrl, admin, 'POST', '/api/unanswered/answers', {
    kbName: 'default',
    questionIds: [giftQuestion!.id],
    change: similar,
  });
  t.is(extended.status, 201, JSON.stringify(extended.body));
  t.like(extended.body, { entryQuestion: '可以刻字吗？', document: '未知问题.csv', version: 2 });
});

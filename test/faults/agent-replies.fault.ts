import test from 'ava';
import { sleep } from '../../src/lib/backoff.ts';
import { sealWecomCallback, wecomTextXml } from '../../src/simulator/wecom-callback.ts';
import { app, eventually, keys } from '../support/wecom-service.ts';
import { Cluster } from './support/cluster.ts';
import { prepareConsoleFixtures } from './support/console-makers.ts';
import { percentile, postOnce } from './support/load.ts';
import { judgeAgentReplies, type PostedReply } from './support/agent-reply-verdict.ts';
import { record } from './support/verdict.ts';

/** Scale: conversations held by the agent, and replies the agent writes in each (defaults fit 2 shared cores). */
const CONVERSATIONS = Number(process.env.FAULT_AGENT_CONVERSATIONS ?? 20);
const REPLIES = Number(process.env.FAULT_AGENT_REPLIES ?? 10);
const KILL_EVERY_MS = 2000;
/** Kills go on after the last reply was posted until this many were made, while deliveries run. */
const MIN_KILLS = 3;

test('workers killed with -9 every 2 s while an agent replies: every reply reaches the customer once, in order', async (t) => {
  // The WeCom app channel: a resend after a crash is swallowed only by WeCom's duplicate check
  // (https://developer.work.weixin.qq.com/document/path/90236), which the fake implements and counts.
  t.timeout(15 * 60_000);
  const cluster = await new Cluster({ apis: 1, workers: 2, env: { JOB_LOCK_MS: '4000' }, startTimeoutMs: 120_000 }).start();
  t.teardown(() => cluster.close());
  const api = cluster.apiUrls()[0]!;
  const admin = await prepareConsoleFixtures(api, cluster.env);
  const callApi = (method: string, path: string, body?: unknown) =>
    fetch(`${api}${path}`, {
      method,
      headers: { authorization: `Bearer ${admin.bearer}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  // Every customer asks for a person; the agent takes every conversation.
  const customers = Array.from({ length: CONVERSATIONS }, (_, i) => `agentfault-c${i}`);
  await Promise.all(
    customers.map(async (customer, i) => {
      const xml = wecomTextXml({ toCorp: app.corpId, agentId: app.agentId, from: customer, text: '转人工', msgId: `${Date.now()}${i}` });
      const status = await postOnce(api, '/callbacks/wecom/default', sealWecomCallback(keys, app.agentId, xml));
      if (status !== 200) throw new Error(`callback of ${customer} answered ${status}`);
    }),
  );
  const held = await eventually(
    async () => {
      const rows = await cluster.query<{ id: string; customer: string }>(
        `select c.id, cu.external_id as customer from conversations c join customers cu on cu.id = c.customer_id where c.status = 'needs_human'`,
      );
      return rows.length === CONVERSATIONS && rows;
    },
    120_000,
    'every conversation waiting for a person',
    250,
  );
  for (const { id } of held) {
    const res = await callApi('POST', `/api/conversations/${id}/assign`, { assignee: 'me' });
    if (res.status !== 204) throw new Error(`assign ${id} answered ${res.status}: ${await res.text()}`);
  }

  // The agent replies in every conversation, one reply after the other, while workers die.
  let kills = 0;
  let replying = true;
  let failed = false;
  const killer = (async () => {
    while (!failed && (replying || kills < MIN_KILLS)) {
      await sleep(KILL_EVERY_MS);
      if (await cluster.killWorker(kills)) kills++;
    }
  })();
  const posted: PostedReply[] = [];
  try {
    await Promise.all(
      held.map(async ({ id, customer }) => {
        for (let i = 0; i < REPLIES; i++) {
          const text = `人工回复#${id}-${i}`;
          const started = performance.now();
          const res = await callApi('POST', `/api/conversations/${id}/messages`, { text });
          posted.push({ customer, text, index: i, status: res.status, postMs: performance.now() - started, storedAt: Date.now() });
          await res.body?.cancel();
        }
      }),
    );
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    replying = false;
    await killer;
  }

  // Let the workers alive now (and the recovery sweep) finish, then read what customers saw.
  const unsent = async () =>
    Number((await cluster.query<{ n: string }>(`select count(*) as n from deliveries where status <> 'sent'`))[0]!.n);
  await eventually(async () => (await unsent()) === 0, 180_000, 'every delivery sent', 250).catch(() => undefined);
  await sleep(3000); // late duplicates, if any, arrive now
  const verdict = judgeAgentReplies(posted, cluster.wecom.delivered);
  record({
    scenario: 'kill -9 of a worker every 2 s while an agent replies (WeCom app)',
    sent: posted.length,
    acked: verdict.accepted,
    answered: verdict.delivered,
    duplicates: verdict.duplicates,
    lost: verdict.lost,
    answeredUnacked: 0,
    wrong: verdict.outOfOrder,
    p99AckMs: Math.round(
      percentile(
        posted.map((p) => p.postMs),
        99,
      ),
    ),
    p99ReplyS: verdict.p99DeliveryS,
    note: `${CONVERSATIONS} conversations × ${REPLIES} replies; ${kills} workers killed; ${cluster.wecom.duplicatesSuppressed} resends after a crash absorbed by WeCom's duplicate check; ${verdict.outOfOrder} out of order`,
  });
  t.log(verdict, { kills, resendsAbsorbed: cluster.wecom.duplicatesSuppressed, unsent: await unsent() });
  t.true(kills >= 3, 'workers were killed while the agent replied');
  t.is(verdict.accepted, posted.length, 'every reply was accepted (201)');
  t.is(verdict.lost, 0, 'every accepted reply reached its customer');
  t.is(verdict.duplicates, 0, 'no customer saw a reply twice');
  t.is(verdict.outOfOrder, 0, 'each customer saw the replies in the order the agent wrote them');
  t.is(await unsent(), 0, 'no delivery left unsent');
});

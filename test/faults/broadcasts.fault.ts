import test from 'ava';
import { sleep } from '../../src/lib/backoff.ts';
import { WebVisitor } from '../support/web-visitor.ts';
import { eventually } from '../support/wecom-service.ts';
import { Cluster } from './support/cluster.ts';
import { prepareConsoleFixtures } from './support/console-makers.ts';
import { record } from './support/verdict.ts';

/** Scale: visitors with the widget open, and the throttle that spreads the broadcast over seconds of kills. */
const VISITORS = Number(process.env.FAULT_BROADCAST_VISITORS ?? 40);
const PER_MINUTE = 240;
const KILL_EVERY_MS = 1500;
const MIN_KILLS = 3;
const TEXT = '群发故障演练：本周会员日';

test('workers killed with -9 every 1.5 s while a broadcast goes out: no recipient gets it twice, and each sent one got it', async (t) => {
  // The web widget: its send is a publish to the visitor's open stream, with no duplicate check at
  // all, so only the recipient's claim (pending → sending, committed before the publish) stands
  // between a crash and a second copy.
  t.timeout(10 * 60_000);
  const cluster = await new Cluster({ apis: 1, workers: 2, startTimeoutMs: 120_000 }).start();
  t.teardown(() => cluster.close());
  const api = cluster.apiUrls()[0]!;
  const admin = await prepareConsoleFixtures(api, cluster.env);
  const callApi = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${api}${path}`, {
      method,
      headers: { authorization: `Bearer ${admin.bearer}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  };

  // Visitors write once (so they are customers) and keep the widget open.
  const visitors = Array.from({ length: VISITORS }, () => new WebVisitor(api));
  const streams = await Promise.all(
    visitors.map(async (v) => {
      await v.startSession();
      const sent = await v.send('你好');
      if (sent.status !== 202) throw new Error(`visitor message answered ${sent.status}`);
      return v.stream();
    }),
  );
  t.teardown(() => {
    for (const s of streams) s.close();
  });
  await eventually(
    async () => {
      const [row] = await cluster.query<{ n: string }>(`select count(*) as n from customers`);
      return Number(row!.n) === VISITORS;
    },
    120_000,
    'every visitor stored as a customer',
    250,
  );

  const segment = await callApi<{ id: number }>('POST', '/api/segments', { name: '网页访客', filter: { channels: ['web'] } });
  const broadcast = await callApi<{ id: number }>('POST', '/api/broadcasts', {
    name: '会员日',
    text: TEXT,
    segmentId: segment.id,
    perMinute: PER_MINUTE,
  });
  const state = async () => (await cluster.query<{ state: string }>(`select state from broadcasts where id = ${broadcast.id}`))[0]!.state;

  let kills = 0;
  const killer = (async () => {
    while (kills < MIN_KILLS || (await state()) !== 'done') {
      await sleep(KILL_EVERY_MS);
      if (await cluster.killWorker(kills)) kills++;
      if (kills > 60) break;
    }
  })();
  await killer;
  await eventually(async () => (await state()) === 'done', 180_000, 'the broadcast done', 250);
  await sleep(2000); // late copies, if any, arrive now

  const rows = await cluster.query<{ external_id: string; state: string; errcode: string | null }>(
    `select cu.external_id, r.state, r.errcode from broadcast_recipients r join customers cu on cu.id = r.customer_id
     where r.broadcast_id = ${broadcast.id}`,
  );
  const seen = new Map(visitors.map((v, i) => [v.visitorId, streams[i]!.messages().filter((m) => m.text === TEXT).length]));
  const duplicates = [...seen.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
  const sent = rows.filter((r) => r.state === 'sent');
  const lost = sent.filter((r) => seen.get(r.external_id) !== 1).length;
  const interrupted = rows.filter((r) => r.errcode === 'interrupted');
  const unexplained = rows.filter((r) => r.state !== 'sent' && r.errcode !== 'interrupted');
  record({
    scenario: 'kill -9 of a worker every 1.5 s while a broadcast goes out (web)',
    sent: VISITORS,
    acked: rows.length,
    answered: sent.length,
    duplicates,
    lost,
    answeredUnacked: interrupted.filter((r) => seen.get(r.external_id) === 1).length,
    wrong: unexplained.length,
    p99AckMs: 0,
    p99ReplyS: 0,
    note: `${kills} workers killed; ${interrupted.length} recipients interrupted mid-send (recorded failed, never resent), of whom ${interrupted.filter((r) => seen.get(r.external_id) === 1).length} had it`,
  });
  t.log({ kills, recipients: rows.length, sent: sent.length, interrupted: interrupted.length, duplicates, lost });
  t.true(kills >= MIN_KILLS, 'workers were killed while the broadcast went out');
  t.is(rows.length, VISITORS, 'every visitor was listed once');
  t.is(duplicates, 0, 'no visitor saw the broadcast twice');
  t.is(lost, 0, 'every recipient recorded sent saw it');
  t.deepEqual(unexplained, [], 'every recipient is sent, or interrupted by a kill');
  t.true(sent.length >= VISITORS - kills, 'at most one recipient per kill was cut short');
});

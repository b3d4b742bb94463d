import test from 'ava';
import { readFileSync } from 'node:fs';
import { wecomTextXml } from '../../src/simulator/wecom-callback.ts';
import { app, keys } from '../support/wecom-service.ts';
import { Cluster } from './support/cluster.ts';
import { encryptedCallbackMakers } from './support/hostile-callbacks.ts';
import { OutcomeTally, storm } from './support/hostile-http.ts';
import { percentile } from './support/load.ts';
import { record } from './support/verdict.ts';

const TOTAL = Number(process.env.FAULT_HOSTILE ?? 10_000);
const CONCURRENCY = 32;

const makers = encryptedCallbackMakers({
  keys,
  agentId: app.agentId,
  route: 'POST /callbacks/wecom/:account',
  path: '/callbacks/wecom/default',
  unknownPath: '/callbacks/wecom/nosuchapp',
  validInner: () =>
    wecomTextXml({ toCorp: app.corpId, agentId: app.agentId, from: 'mallory', text: '营业时间', msgId: String(Date.now()) }),
});

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))!;
  return Math.round(Number(line.split(/\s+/)[1]) / 1024);
}

test('10,000 malformed and hostile callbacks: every one a 4xx, nothing stored, no crash, no memory growth', async (t) => {
  const cluster = await new Cluster({ apis: 1, workers: 0 }).start();
  t.teardown(() => cluster.close());
  const api = cluster.apis[0]!;
  const base = cluster.apiUrls()[0]!;
  const tally = new OutcomeTally();
  const latencies: number[] = [];
  const run = (count: number, tallied: boolean) =>
    storm({
      base,
      makers,
      count,
      concurrency: CONCURRENCY,
      onAnswer: tallied
        ? (h, outcome, ms) => {
            tally.add(h, outcome);
            latencies.push(ms);
          }
        : undefined,
    });

  await run(1000, false); // warm-up: JIT, pools and caches reach their working size
  await new Promise((r) => setTimeout(r, 1000));
  const rssBefore = rssMb(api.child.pid!);
  await run(TOTAL, true);
  await new Promise((r) => setTimeout(r, 1000));
  const rssAfter = rssMb(api.child.pid!);

  t.log(tally.summary());
  t.log(`api RSS ${rssBefore} MB before, ${rssAfter} MB after ${TOTAL} hostile callbacks`);
  for (const { kind, outcome, count } of tally.rows()) {
    // A connection reset is acceptable only for a huge body the server refused before reading it.
    const refused =
      typeof outcome === 'number'
        ? outcome >= 400 && outcome < 500
        : (kind.startsWith('huge') && outcome === 'EPIPE') || outcome === 'ECONNRESET';
    t.true(refused, `${kind}: ${count} answered ${outcome}`);
  }
  t.is(tally.total, TOTAL);
  t.is(api.child.exitCode, null, 'the api process is still running');
  t.is((await fetch(`${base}/healthz`)).status, 200);
  const { stored } = await cluster.inboundCounts();
  t.is(stored, 0, 'nothing was stored');
  t.true(rssAfter - rssBefore < 64, `RSS grew ${rssAfter - rssBefore} MB`);
  record({
    scenario: `${TOTAL} hostile callbacks`,
    sent: TOTAL,
    acked: 0,
    answered: 0,
    duplicates: 0,
    lost: 0,
    answeredUnacked: 0,
    wrong: 0,
    p99AckMs: Math.round(percentile(latencies, 99)),
    p99ReplyS: 0,
    note: `all 4xx, 0 stored; api RSS ${rssBefore} → ${rssAfter} MB (p99 is of the 4xx answer)`,
  });
});

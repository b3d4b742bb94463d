import test from 'ava';
import { describeJobs, drainedQueues, runProbes } from './support/channel-probes.ts';
import { OutcomeTally, storm } from './support/hostile-http.ts';
import { consoleMakers, prepareConsoleFixtures } from './support/console-makers.ts';
import { channelProbes } from './support/hostile-probes.ts';
import { hostileMakers, KF, mpKeys, otherWeb, SECRETS, startHostileCluster, web } from './support/hostile-setup.ts';
import { countFailures, errorSamples, type Failure, judgeAnswer, routesLeftOut } from './support/hostile-verdict.ts';
import { percentile } from './support/load.ts';
import { servedRoutes } from './support/route-makers.ts';
import { TextMarkers } from './support/text-markers.ts';
import { record } from './support/verdict.ts';
import { prepareWebFixtures } from './support/web-fixtures.ts';

/**
 * Hostile input on every public route of a running cluster (api + worker processes, real
 * PostgreSQL and Redis, the platforms faked on loopback): FAULT_HOSTILE bad requests (10,000 by
 * default). Nothing may crash, no bad input may earn a 5xx (a platform would retry it forever; a
 * browser would show an outage), no bad credential may be let in, no queue may be left stuck, and
 * no customer text may reach a log at info or above.
 */
const TOTAL = Number(process.env.FAULT_HOSTILE ?? 10_000);
const CONCURRENCY = 24;

test('10,000 hostile requests on every public route: no crash, no 5xx, no one let in, no queue stuck, no customer text in the logs', async (t) => {
  const hostile = await startHostileCluster();
  t.teardown(() => hostile.close());
  const { cluster, wechat, kf } = hostile;
  const [api, worker] = [cluster.apis[0]!, cluster.workers[0]!];
  const base = cluster.apiUrls()[0]!;
  const workerBase = `http://127.0.0.1:${worker.port}`;
  const markers = new TextMarkers();
  const fixtures = await prepareWebFixtures(base, web, otherWeb, markers);
  const consoleFixtures = await prepareConsoleFixtures(base, cluster.env);
  const apiRoutes = servedRoutes(api.output());
  const workerRoutes = servedRoutes(worker.output());

  const tally = new OutcomeTally();
  const failures: Failure[] = [];
  const latencies: number[] = [];
  await storm({
    base,
    makers: [
      ...hostileMakers({ kf, fixtures, markers, apiRoutes, workerRoutes, workerBase }),
      ...consoleMakers(consoleFixtures, fixtures.anonymous[0]!.token, apiRoutes),
    ],
    count: TOTAL,
    concurrency: CONCURRENCY,
    onAnswer: (h, outcome, ms) => {
      tally.add(h, outcome);
      latencies.push(ms);
      const why = judgeAnswer(h, outcome);
      if (why) failures.push({ route: h.route, kind: h.kind, outcome, why });
    },
  });
  t.log(tally.summary());

  const crashed = [api, worker].filter((p) => p.child.exitCode !== null || p.child.signalCode !== null).map((p) => p.port);
  const health = await Promise.all(
    [base, workerBase].map((b) =>
      fetch(`${b}/healthz`).then(
        (r) => r.status,
        (e: Error) => e.message,
      ),
    ),
  );
  const probes = await runProbes(channelProbes({ base, cluster, wechat, kf, kfOpenKfId: KF, mpKeys, publicId: web.publicId }), 60_000);
  const keyPrefix = await cluster.keyPrefix();
  const queues = await drainedQueues(keyPrefix, 30_000);
  const { pending } = await cluster.inboundCounts();
  const leaks = markers.leakSummary({ api: api.output(), worker: worker.output() });
  const secrets = [...SECRETS, fixtures.victim.token, ...fixtures.anonymous.map((s) => s.token), ...consoleFixtures.secrets];
  const secretLines = [api, worker].flatMap((p) =>
    p
      .output()
      .split('\n')
      .filter((line) => secrets.some((x) => line.includes(x))),
  );
  const stalled = probes.filter((p) => !p.answered).map((p) => p.channel);
  const found = (why: Failure['why']) => failures.filter((f) => f.why === why).length;

  t.log({ probes, queues: queues.counts, pending, markersIssued: markers.issued, routes: apiRoutes.length + workerRoutes.length });
  if (found('5xx') > 0)
    t.log(
      'error lines:',
      [api, worker].map((p) => errorSamples(p.output())),
    );
  if (Object.keys(queues.stuck).length > 0 || pending > 0)
    t.log('jobs:', await describeJobs(keyPrefix), 'pending:', await cluster.describePending());

  const leakedLines = Object.values(leaks).reduce((n, l) => n + l.lines, 0);
  record({
    scenario: `${TOTAL} hostile requests, every route`,
    sent: TOTAL,
    acked: latencies.length,
    answered: probes.length - stalled.length,
    duplicates: 0,
    lost: stalled.length,
    answeredUnacked: 0,
    wrong: found('5xx') + found('let in'),
    p99AckMs: Math.round(percentile(latencies, 99)),
    p99ReplyS: Math.max(0, ...probes.map((p) => p.seconds)),
    note:
      `${apiRoutes.length + workerRoutes.length} routes; ${found('5xx')} 5xx, ${found('let in')} bad credentials let in, ` +
      `${found('no answer')} unanswered, ${crashed.length} crashed; ${probes.length - stalled.length}/${probes.length} channels answered after` +
      `${Object.keys(queues.stuck).length ? `, stuck ${JSON.stringify(queues.stuck)}` : ''}; ${leakedLines} log lines with customer text, ${secretLines.length} with a secret`,
  });

  // One comparison, so a failing run shows every finding at once.
  t.deepEqual(
    {
      'routes that take input with none written for them': routesLeftOut(apiRoutes, tally),
      'processes that died': crashed,
      '/healthz of api and worker': health,
      'bad input answered 5xx': countFailures(failures, '5xx'),
      'bad credentials let in': countFailures(failures, 'let in'),
      'bad requests never answered': countFailures(failures, 'no answer'),
      'channels whose question went unanswered after the storm': stalled,
      'jobs left waiting or active': queues.stuck,
      'turns completed (the queues were found)': (queues.counts['conversation-turns']?.completed ?? 0) > 0,
      'stored messages left unanswered': pending,
      'log lines with customer text (by process, level and message)': leaks,
      'log lines with a secret or a session token': secretLines.map((l) => l.slice(0, 500)),
    },
    {
      'routes that take input with none written for them': [],
      'processes that died': [],
      '/healthz of api and worker': [200, 200],
      'bad input answered 5xx': {},
      'bad credentials let in': {},
      'bad requests never answered': {},
      'channels whose question went unanswered after the storm': [],
      'jobs left waiting or active': {},
      'turns completed (the queues were found)': true,
      'stored messages left unanswered': 0,
      'log lines with customer text (by process, level and message)': {},
      'log lines with a secret or a session token': [],
    },
  );
});

import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeWechatMpApi } from '../../src/simulator/fake-wechat-mp-api.ts';
import { FakeWecomKfApi } from '../../src/simulator/fake-wecom-kf-api.ts';
import { sealMpCallback } from '../../src/simulator/wechat-mp-callback.ts';
import { sealWecomCallback, wecomTextXml } from '../../src/simulator/wecom-callback.ts';
import { app, keys } from '../support/wecom-service.ts';
import { type Probe, describeJobs, drainedQueues, runProbes } from './support/channel-probes.ts';
import { Cluster } from './support/cluster.ts';
import { encryptedCallbackMakers } from './support/hostile-callbacks.ts';
import { type HostileRequest, type Maker, type Outcome, OutcomeTally, storm } from './support/hostile-http.ts';
import { channelProbes } from './support/hostile-probes.ts';
import { percentile } from './support/load.ts';
import { encryptedVerifyMakers, kfItemMakers, kfNotification, mpMessage, mpModeMakers, wecomMessage } from './support/platform-hostile.ts';
import { genericRouteMakers, servedRoutes, unknownRouteMaker } from './support/route-makers.ts';
import { messageXml, signedFuzzMakers } from './support/signed-fuzz.ts';
import { TextMarkers } from './support/text-markers.ts';
import { record } from './support/verdict.ts';
import { prepareWebFixtures } from './support/web-fixtures.ts';
import { preflightMaker, webInputMakers } from './support/web-hostile.ts';
import { ticketConfusionMakers, tokenConfusionMakers } from './support/web-token-confusion.ts';

/**
 * Hostile input on every public route of a running cluster (api + worker processes, real
 * PostgreSQL and Redis, the platforms faked on loopback): FAULT_HOSTILE bad requests (10,000 by
 * default). Nothing may crash, no bad input may earn a 5xx (a platform would retry it forever; a
 * browser would show an outage), no bad credential may be let in, no queue may be left stuck, and
 * no customer text may reach a log at info or above.
 */
const TOTAL = Number(process.env.FAULT_HOSTILE ?? 10_000);
const CONCURRENCY = 24;
const MAX_MESSAGE_CHARS = 500;
const mp = { appId: 'wxhostile00000001', secret: 'mp-secret' };
const mpKeys = {
  plain: { appId: mp.appId, token: 'mpplaintoken' },
  safe: { appId: mp.appId, token: 'mpsafetoken', encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' },
};
const kfCorp = {
  corpId: 'wwhostilekf0001',
  secret: 'kf-secret',
  token: 'kftoken',
  encodingAesKey: 'kfkfkfkfkfkfkfkfkfkfkfkfkfkfkfkfkfkfkfkfkfk',
};
const KF = 'wkHOSTILE01';
const web = { name: 'default', publicId: 'demo', secret: 'hostile-input-widget-secret-0001' };
const otherWeb = { name: 'other', publicId: 'other', secret: 'hostile-input-other-widget-secret' };
const admin = { user: 'ops', password: 'hostile-input-admin-password' };

/** Leaking lines counted by process, level and message, with the first of each for the evidence. */
function leakSummary(leaks: Array<{ process: string; line: string }>): Record<string, { lines: number; first: string }> {
  const out: Record<string, { lines: number; first: string }> = {};
  for (const { process, line } of leaks) {
    let key = `${process}: not JSON`;
    try {
      const entry = JSON.parse(line) as { level: number; msg: string };
      key = `${process}: level ${entry.level} "${entry.msg}"`;
    } catch {
      // Not JSON: a crash trace or a library printing on its own; the key says so.
    }
    const entry = (out[key] ??= { lines: 0, first: line.slice(0, 700) });
    entry.lines++;
  }
  return out;
}

/** One line per distinct message logged at error or above, as evidence for a failure. */
function errorSamples(output: string): string[] {
  const seen = new Map<string, string>();
  for (const line of output.split('\n')) {
    try {
      const entry = JSON.parse(line) as { level: number; msg: string };
      if (entry.level >= 50 && !seen.has(entry.msg)) seen.set(entry.msg, line.slice(0, 1500));
    } catch {
      // Only the service's JSON lines are evidence here.
    }
  }
  return [...seen.values()];
}

interface Failure {
  route: string;
  kind: string;
  outcome: Outcome;
  why: string;
}

/** What is wrong with one answer, or undefined when it is a right answer to bad input. */
function judge(h: HostileRequest, outcome: Outcome): string | undefined {
  if (typeof outcome === 'string') return h.oversized && ['ECONNRESET', 'EPIPE'].includes(outcome) ? undefined : 'no answer';
  if (outcome >= 500) return '5xx';
  if (h.mustRefuse && outcome < 400) return 'let in';
  return undefined;
}

test('10,000 hostile requests on every public route: no crash, no 5xx, no one let in, no queue stuck, no customer text in the logs', async (t) => {
  const markers = new TextMarkers();
  const wechat = new FakeWechatMpApi({ appId: mp.appId, appSecret: mp.secret });
  const kf = new FakeWecomKfApi({
    corpId: kfCorp.corpId,
    secret: kfCorp.secret,
    callbackToken: kfCorp.token,
    encodingAesKey: kfCorp.encodingAesKey,
  });
  const dir = mkdtempSync(join(tmpdir(), 'kefu-hostile-'));
  const configFile = join(dir, 'accounts.json');
  const mpApiBase = await wechat.listen();
  writeFileSync(
    configFile,
    JSON.stringify({
      wechatMp: [
        { name: 'plain', appId: mp.appId, appSecret: mp.secret, token: mpKeys.plain.token, apiBase: mpApiBase },
        { name: 'safe', appSecret: mp.secret, ...mpKeys.safe, apiBase: mpApiBase },
      ],
      wecomKf: [{ name: 'default', ...kfCorp, apiBase: await kf.listen() }],
      web: [{ ...otherWeb }],
    }),
  );
  const cluster = await new Cluster({
    apis: 1,
    workers: 1,
    env: {
      CONFIG_FILE: configFile,
      WEB_CHAT_SECRET: web.secret,
      WEB_CHAT_PUBLIC_ID: web.publicId,
      WEB_CHAT_MAX_MESSAGE_CHARS: String(MAX_MESSAGE_CHARS),
      WEB_CHAT_MAX_UPLOAD_BYTES: String(64 * 1024),
      // Limits per address and visitor are proven elsewhere; here they must not be what answers.
      WEB_CHAT_IP_REQUESTS_PER_MINUTE: '1000000',
      WEB_CHAT_VISITOR_MESSAGES_PER_MINUTE: '1000000',
      TRUSTED_PROXY_HOPS: '1',
      ADMIN_USER: admin.user,
      ADMIN_PASSWORD: admin.password,
    },
  }).start();
  t.teardown(async () => {
    await cluster.close();
    await wechat.close();
    await kf.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const processes = [...cluster.apis, ...cluster.workers];
  const [api, worker] = processes as [(typeof processes)[0], (typeof processes)[0]];
  const base = cluster.apiUrls()[0]!;
  const workerBase = `http://127.0.0.1:${worker.port}`;

  const fixtures = await prepareWebFixtures(base, web, otherWeb, markers);
  const apiRoutes = servedRoutes(api.output());
  const workerRoutes = servedRoutes(worker.output());
  const param = (name: string, route: string) =>
    ({ publicId: web.publicId, fileId: fixtures.victim.fileId, account: route.includes('wechat-mp') ? 'safe' : 'default' })[name] ?? 'x';
  const wecomRoute = 'POST /callbacks/wecom/:account';
  const mpRoute = 'POST /callbacks/wechat-mp/:account';
  const kfRoute = 'POST /callbacks/wecom-kf/:account';
  const makers: Maker[] = [
    ...encryptedCallbackMakers({
      keys,
      agentId: app.agentId,
      route: wecomRoute,
      path: '/callbacks/wecom/default',
      unknownPath: '/callbacks/wecom/nosuchapp',
      validInner: () =>
        wecomTextXml({ toCorp: app.corpId, agentId: app.agentId, from: 'mallory', text: '营业时间', msgId: String(Date.now()) }),
    }),
    ...signedFuzzMakers({
      route: wecomRoute,
      path: '/callbacks/wecom/default',
      seal: (inner) => sealWecomCallback(keys, app.agentId, inner),
      message: wecomMessage(app.corpId, app.agentId),
      markers,
    }),
    ...encryptedVerifyMakers('GET /callbacks/wecom/:account', '/callbacks/wecom/default', keys),
    ...(['plain', 'safe'] as const).flatMap((mode) =>
      signedFuzzMakers({
        route: mpRoute,
        path: `/callbacks/wechat-mp/${mode}`,
        seal: (inner) => sealMpCallback(mpKeys[mode], inner, mode),
        message: mpMessage(mp.appId),
        markers,
        label: mode,
      }),
    ),
    ...mpModeMakers({ paths: { plain: '/callbacks/wechat-mp/plain', safe: '/callbacks/wechat-mp/safe' }, keys: mpKeys }, () =>
      messageXml(mpMessage(mp.appId)()),
    ),
    ...encryptedCallbackMakers({
      keys: { token: kfCorp.token, encodingAesKey: kfCorp.encodingAesKey, receiveId: kfCorp.corpId },
      agentId: '',
      route: kfRoute,
      path: '/callbacks/wecom-kf/default',
      unknownPath: '/callbacks/wecom-kf/nosuchapp',
      validInner: () => messageXml(kfNotification(kfCorp.corpId, KF)()),
    }),
    ...signedFuzzMakers({
      route: kfRoute,
      path: '/callbacks/wecom-kf/default',
      seal: (inner) =>
        sealWecomCallback({ token: kfCorp.token, encodingAesKey: kfCorp.encodingAesKey, receiveId: kfCorp.corpId }, 0, inner),
      message: kfNotification(kfCorp.corpId, KF),
      markers,
    }),
    ...encryptedVerifyMakers('GET /callbacks/wecom-kf/:account', '/callbacks/wecom-kf/default', {
      token: kfCorp.token,
      encodingAesKey: kfCorp.encodingAesKey,
      receiveId: kfCorp.corpId,
    }),
    ...kfItemMakers(kf, KF, kfRoute, '/callbacks/wecom-kf/default', markers),
    ...webInputMakers(fixtures, MAX_MESSAGE_CHARS),
    ...apiRoutes.filter((r) => r.startsWith('OPTIONS /api/web/')).map((r) => preflightMaker(fixtures, r)),
    ...tokenConfusionMakers(fixtures),
    ...ticketConfusionMakers(fixtures),
    () => ({
      route: 'GET /admin/queues (queue board)',
      kind: 'wrong credentials',
      method: 'GET',
      url: '/admin/queues',
      headers: { authorization: `Basic ${Buffer.from(`${admin.user}:${admin.password.slice(1)}\u0000`).toString('base64')}` },
      mustRefuse: true,
    }),
    unknownRouteMaker,
    ...apiRoutes.flatMap((r) =>
      genericRouteMakers(r, param, r.includes('/api/web/') ? { authorization: `Bearer ${fixtures.anonymous[0]!.token}` } : {}),
    ),
    ...workerRoutes.flatMap((r) =>
      genericRouteMakers(r, param).map((m) => async () => ({ ...(await m()), route: `worker: ${r}`, base: workerBase })),
    ),
  ];

  const tally = new OutcomeTally();
  const failures: Failure[] = [];
  const latencies: number[] = [];
  await storm({
    base,
    makers,
    count: TOTAL,
    concurrency: CONCURRENCY,
    onAnswer: (h, outcome, ms) => {
      tally.add(h, outcome);
      latencies.push(ms);
      const why = judge(h, outcome);
      if (why) failures.push({ route: h.route, kind: h.kind, outcome, why });
    },
  });
  t.log(tally.summary());

  // Every route the service lists got bad input; those that take input, input written for them.
  const generic = new Set(['wrong method', 'junk in the query', 'odd headers', 'odd path parameters']);
  const takesInput = (r: string) => r.startsWith('POST') || r.includes(':');
  const unfuzzed = apiRoutes.filter(
    (r) => !tally.byRoute.has(r) || (takesInput(r) && [...tally.byRoute.get(r)!.keys()].every((k) => generic.has(k))),
  );

  const crashed = processes.filter((p) => p.child.exitCode !== null || p.child.signalCode !== null).map((p) => p.port);
  const health = await Promise.all(
    [base, workerBase].map((b) =>
      fetch(`${b}/healthz`).then(
        (r) => r.status,
        (e: Error) => e.message,
      ),
    ),
  );

  const probes: Probe[] = channelProbes({ base, cluster, wechat, kf, kfOpenKfId: KF, mpKeys, publicId: web.publicId });
  const answered = await runProbes(probes, 60_000);
  const queues = await drainedQueues(cluster.prefix, 30_000);
  const { pending } = await cluster.inboundCounts();
  const leaks = processes.flatMap((p) => markers.leaks(p.output()).map((line) => ({ process: p === api ? 'api' : 'worker', line })));

  const fiveXx = failures.filter((f) => f.why === '5xx');
  const letIn = failures.filter((f) => f.why === 'let in');
  const unanswered = failures.filter((f) => f.why === 'no answer');
  const group = (list: Failure[]) => {
    const counts = new Map<string, number>();
    for (const f of list)
      counts.set(`${f.route} | ${f.kind} → ${f.outcome}`, (counts.get(`${f.route} | ${f.kind} → ${f.outcome}`) ?? 0) + 1);
    return Object.fromEntries(counts);
  };
  t.log({
    probes: answered,
    queues: queues.counts,
    pending,
    markersIssued: markers.issued,
    routes: apiRoutes.length + workerRoutes.length,
  });
  // Evidence for a 5xx: the service's own error lines, one of each message.
  if (fiveXx.length > 0)
    t.log(
      'error lines:',
      processes.map((p) => errorSamples(p.output())),
    );
  if (Object.keys(queues.stuck).length > 0 || pending > 0)
    t.log('jobs:', await describeJobs(cluster.prefix), 'pending:', await cluster.describePending());

  const stalled = answered.filter((p) => !p.answered).map((p) => p.channel);
  record({
    scenario: `${TOTAL} hostile requests, every route`,
    sent: TOTAL,
    acked: latencies.length,
    answered: answered.filter((p) => p.answered).length,
    duplicates: 0,
    lost: stalled.length,
    answeredUnacked: 0,
    wrong: fiveXx.length + letIn.length,
    p99AckMs: Math.round(percentile(latencies, 99)),
    p99ReplyS: Math.max(0, ...answered.map((p) => p.seconds)),
    note:
      `${apiRoutes.length + workerRoutes.length} routes; ${fiveXx.length} 5xx, ${letIn.length} bad credentials let in, ${unanswered.length} unanswered; ` +
      `${crashed.length} crashed; probes answered ${answered.filter((p) => p.answered).length}/${answered.length}` +
      `${Object.keys(queues.stuck).length ? `, stuck ${JSON.stringify(queues.stuck)}` : ''}; ${leaks.length} log lines with customer text ` +
      '(answered = channel probes after the storm, wrong = 5xx + let in, p99 ack is of any answer)',
  });

  // One comparison, so a failing run shows every finding at once.
  t.deepEqual(
    {
      'routes that take input with none written for them': unfuzzed,
      'processes that died': crashed,
      '/healthz of api and worker': health,
      'bad input answered 5xx': group(fiveXx),
      'bad credentials let in': group(letIn),
      'bad requests never answered': group(unanswered),
      'channels whose question went unanswered after the storm': stalled,
      'jobs left waiting or active': queues.stuck,
      'stored messages left unanswered': pending,
      'log lines with customer text (by process, level and message)': leakSummary(leaks),
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
      'stored messages left unanswered': 0,
      'log lines with customer text (by process, level and message)': {},
    },
  );
});

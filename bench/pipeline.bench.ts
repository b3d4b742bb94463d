/**
 * End-to-end pipeline: callbacks in, replies out at the fake WeCom, with a zero-latency brain (the
 * offline knowledge-base brain: in-process retrieval, about a millisecond, no model). `--api` api
 * processes and `--workers` worker processes, each started as operators start a role, sharing only
 * PostgreSQL and Redis (local), COALESCE_WINDOW_MS=0. The load generator spreads its connections
 * over the api processes round-robin, each on a port of its own: Node 20 has no SO_REUSEPORT for a
 * plain `listen`, so one port for all would take the cluster module, which the roles do not use.
 *   node --import tsx bench/pipeline.bench.ts [--api 1] [--workers 1] [--messages 6000] [--connections 32] [--concurrency 100] [--cpu-prof dir]
 * --cpu-prof: the workers run with `node --cpu-prof`; their profiles and the measured run's window
 * (window.json) land in dir, for scripts/summarize-cpu-profile.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { type RoleProcess, startRole } from '../test/support/processes.ts';
import { cpuPerItem, pidsNamed, postgresServing, startCpuCount, thisProcess } from './support/cpu-time.ts';
import { benchEnvironment, CALLBACK_PATH, sealedCallbacks, table } from './support/environment.ts';
import { hotUpdatesOf, walBytes } from './support/hot-updates.ts';

const { values } = parseArgs({
  options: {
    api: { type: 'string', default: '1' },
    workers: { type: 'string', default: '1' },
    messages: { type: 'string', default: '6000' },
    connections: { type: 'string', default: '32' },
    concurrency: { type: 'string', default: '100' },
    'cpu-prof': { type: 'string' },
  },
});
const profileDir = values['cpu-prof'] && resolve(values['cpu-prof']);
const messages = Number(values.messages);
const apiCount = Number(values.api);
const workerCount = Number(values.workers);
/** The harness: autocannon sending the callbacks and the fake WeCom taking the replies, in this process. */
const HARNESS = 'harness (load generator + fake WeCom)';

const environment = await benchEnvironment({ WORKER_CONCURRENCY: values.concurrency });
const roles: RoleProcess[] = [];
/** Profiled roles write their profile only when they exit on their own: they are stopped, not killed. */
const profiled = new Set<RoleProcess>();
const stopRoles = async () => {
  const stopping = roles.splice(0);
  for (const role of stopping) role.child.kill(profiled.has(role) ? 'SIGTERM' : 'SIGKILL');
  await Promise.all(stopping.map((role) => role.exited));
};
try {
  // One after the other (each applies the migrations as it starts); all killed at the end, however the run ends.
  const start = async (role: 'api' | 'worker') => {
    const profile = profileDir && role === 'worker';
    const started = await startRole(role, environment.env, undefined, profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []);
    roles.push(started);
    if (profile) profiled.add(started);
    return started;
  };
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const apis: RoleProcess[] = [];
  for (let n = 0; n < apiCount; n++) apis.push(await start('api'));
  const workers: RoleProcess[] = [];
  for (let n = 0; n < workerCount; n++) workers.push(await start('worker'));
  const callbacks = sealedCallbacks(messages);
  let i = 0;
  const cpuSince = startCpuCount({
    ...Object.fromEntries(apis.map((role, n) => [`api#${n + 1}`, () => [role.child.pid!]])),
    ...Object.fromEntries(workers.map((role, n) => [`worker#${n + 1}`, () => [role.child.pid!]])),
    // The backends of this run's database: other runs on this machine use the same server.
    PostgreSQL: postgresServing(new URL(environment.database.url).pathname.slice(1)),
    Redis: pidsNamed('redis-server'),
    [HARNESS]: thisProcess,
  });
  const walBefore = await walBytes(environment.database.url);
  const started = performance.now();
  const startedUs = Number(process.hrtime.bigint() / 1000n);
  const ingest = await autocannon({
    // autocannon gives connection k the URL k mod N, so the callbacks go round-robin over the apis
    // (a list of URLs is in its README; its types know only one).
    url: apis.map((api) => `http://127.0.0.1:${api.port}`) as unknown as string,
    connections: Number(values.connections),
    amount: messages,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        setupRequest: (req) => {
          const cb = callbacks[i++]!;
          return { ...req, path: `${CALLBACK_PATH}?${cb.query}`, body: cb.body };
        },
      },
    ],
  });
  const ackedAt = performance.now();
  await environment.wecom.waitForDelivered(messages, 300_000);
  const doneAt = performance.now();
  const cpu = cpuPerItem(cpuSince(), messages);
  const walPerMessage = Math.round(((await walBytes(environment.database.url)) - walBefore) / messages);
  // The monotonic-clock span of the run (the clock V8's profiles use), so start-up is not counted.
  if (profileDir) {
    const window = { fromUs: startedUs, toUs: Number(process.hrtime.bigint() / 1000n), items: messages };
    writeFileSync(`${profileDir}/window.json`, JSON.stringify(window));
  }
  const seconds = (doneAt - started) / 1000;
  const ackPerSecond = Math.round(ingest['2xx'] / ((ackedAt - started) / 1000));
  const endToEndPerSecond = Math.round(messages / seconds);
  const rows = [
    ['callbacks acknowledged', ingest['2xx'], ackPerSecond, `p99 ack ${ingest.latency.p99} ms`],
    [
      'replies delivered (end to end)',
      environment.wecom.delivered.length,
      endToEndPerSecond,
      `last reply ${seconds.toFixed(1)} s after the first callback`,
    ],
  ];
  console.log(
    `\n### End-to-end pipeline (${messages} messages from ${messages} customers; ${apiCount} api + ${workerCount} worker processes, WORKER_CONCURRENCY=${values.concurrency})\n`,
  );
  console.log(table(['stage', 'count', 'per second', 'note'], rows));
  // kefu-hub's own cost: every process but the harness, which a production deployment does not run.
  const ours = Object.entries(cpu.parts).filter(([part]) => part !== HARNESS);
  const oursUs = ours.reduce((sum, [, us]) => sum + us, 0);
  console.log(`\n#### CPU per answered message, by process (µs; user + system, from /proc)\n`);
  console.log(
    table(
      ['process', 'µs per message', 'share of kefu-hub'],
      [
        ...Object.entries(cpu.parts).map(([part, us]) => [
          part,
          us,
          part === HARNESS ? '(not kefu-hub)' : `${Math.round((100 * us) / oursUs)} %`,
        ]),
        ['kefu-hub (api + worker + PostgreSQL + Redis)', oursUs, '100 %'],
      ],
    ),
  );
  console.log(
    `\ngoal ≤ 1,000 µs of kefu-hub CPU per answered message: ${oursUs <= 1000 ? 'met' : 'not met'} (${oursUs} µs, ${(oursUs / 1000).toFixed(2)}× the goal)`,
  );
  // Each status change that is not HOT writes a new entry into the table's indexes (docs/performance.md).
  await stopRoles();
  const updates = await hotUpdatesOf(environment.database.url, ['messages', 'deliveries', 'conversations']);
  console.log(
    `\n#### Updates by table (pg_stat_user_tables; HOT: no index written); WAL ${walPerMessage} bytes per message (whole server)\n`,
  );
  console.log(
    table(
      ['table', 'updates', 'HOT', 'HOT share', 'heap pages', 'index pages'],
      Object.entries(updates).map(([name, u]) => [
        name,
        u.updates,
        u.hot,
        `${u.updates ? Math.round((100 * u.hot) / u.updates) : 0} %`,
        u.heapPages,
        u.indexPages,
      ]),
    ),
  );
  console.log(
    `BENCH_RESULT ${JSON.stringify({ bench: 'pipeline', messages, apis: apiCount, workers: workerCount, ackPerSecond, endToEndPerSecond, p99AckMs: ingest.latency.p99, cpuUs: cpu.parts, harness: HARNESS, updates, walPerMessage })}`,
  );
} finally {
  await stopRoles();
  await environment.close();
}

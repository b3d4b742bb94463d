/**
 * Callback ingestion: verify msg_signature, decrypt, parse, dedupe, store in PostgreSQL, queue in
 * Redis, ack — the real api role, started as operators start it — against a bare Koa hello-world
 * (the floor) and node-webot's `wechat` middleware decrypting the same callbacks (verify, decrypt,
 * parse; it stores nothing). Same autocannon load, same machine, one after the other.
 *   node --import tsx bench/ingestion.bench.ts [--seconds 10] [--connections 32] [--cpu-prof dir]
 * --cpu-prof: the api runs with `node --cpu-prof`; its profile and the measured run's window
 * (window.json) land in dir, for scripts/summarize-cpu-profile.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { startRole } from '../test/support/processes.ts';
import { benchEnvironment, CALLBACK_PATH, keys, sealedCallbacks, table } from './support/environment.ts';
import { cpuPerItem, pidsNamed, postgresServing, startCpuCount, thisProcess } from './support/cpu-time.ts';
import { startTarget } from './support/processes.ts';
import { durableIngestion, INGESTION_GOAL_RATIO } from './support/ingestion-goal.ts';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '32' }, 'cpu-prof': { type: 'string' } },
});
const seconds = Number(values.seconds);
const profileDir = values['cpu-prof'] && resolve(values['cpu-prof']);
const connections = Number(values.connections);

interface Result {
  target: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** µs of CPU per request: the server process, PostgreSQL, Redis, the load generator. */
  cpuUs: Record<string, number>;
}

/** Each request carries the next callback of the list: every one a new message, none a duplicate. */
async function hammer(target: string, server: number, baseUrl: string, extraQuery = '', durationS = seconds): Promise<Result> {
  const callbacks = sealedCallbacks(Math.ceil(durationS * 6000) + 1000);
  let i = 0;
  const startedUs = Number(process.hrtime.bigint() / 1000n);
  const cpuSince = startCpuCount({
    server: () => [server],
    // The backends of this run's database: other runs on this machine use the same server.
    PostgreSQL: postgresServing(benchDatabase),
    Redis: pidsNamed('redis-server'),
    'load generator': thisProcess,
  });
  const result = await autocannon({
    url: baseUrl,
    connections,
    duration: durationS,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        setupRequest: (req) => {
          const cb = callbacks[i++ % callbacks.length]!;
          return { ...req, path: `${CALLBACK_PATH}?${cb.query}${extraQuery}`, body: cb.body };
        },
      },
    ],
  });
  const cpu = cpuPerItem(cpuSince(), result.requests.total);
  lastWindow = { fromUs: startedUs, toUs: Number(process.hrtime.bigint() / 1000n), items: result.requests.total };
  return {
    target,
    cpuUs: cpu.parts,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

const environment = await benchEnvironment({ LOG_LEVEL: 'warn' });
const benchDatabase = new URL(environment.database.url).pathname.slice(1);
/** The monotonic-clock span of the last measured run (the clock V8's profiles use). */
let lastWindow = { fromUs: 0, toUs: 0, items: 0 };
const results: Result[] = [];
try {
  const koa = await startTarget('bench/targets/koa-hello.ts');
  await hammer('warm-up', koa.child.pid!, `http://127.0.0.1:${koa.port}`, '', 2);
  results.push(await hammer('bare Koa hello-world (floor)', koa.child.pid!, `http://127.0.0.1:${koa.port}`));
  koa.child.kill();

  const peer = await startTarget('bench/targets/wechat-middleware.ts', {
    BENCH_TOKEN: keys.token,
    BENCH_AES_KEY: keys.encodingAesKey,
    BENCH_RECEIVE_ID: keys.receiveId,
  });
  await hammer('warm-up', peer.child.pid!, `http://127.0.0.1:${peer.port}`, '&encrypt_type=aes', 2);
  results.push(
    await hammer(
      'node-webot wechat middleware (verify + decrypt + parse)',
      peer.child.pid!,
      `http://127.0.0.1:${peer.port}`,
      '&encrypt_type=aes',
    ),
  );
  peer.child.kill();

  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const api = await startRole(
    'api',
    { ...environment.env, LOG_LEVEL: 'warn' },
    undefined,
    profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  );
  // startRole parses the port from the info-level start line; LOG_LEVEL is forced to info there.
  await hammer('warm-up', api.child.pid!, `http://127.0.0.1:${api.port}`, '', 2);
  results.push(
    await hammer('kefu-hub api (verify + decrypt + dedupe + PostgreSQL + queue)', api.child.pid!, `http://127.0.0.1:${api.port}`),
  );
  if (profileDir) writeFileSync(`${profileDir}/window.json`, JSON.stringify(lastWindow));
  api.child.kill('SIGTERM');
  await api.exited;
} finally {
  await environment.close();
}

const [floor, peer, ours] = results as [Result, Result, Result];
console.log(`\n### Callback ingestion (${connections} connections, ${seconds} s each)\n`);
console.log(
  table(
    ['target', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'vs wechat middleware', 'vs bare Koa'],
    results.map((r) => [r.target, r.rps, r.p50, r.p99, r.non2xx, r.errors, (r.rps / peer.rps).toFixed(2), (r.rps / floor.rps).toFixed(2)]),
  ),
);
const cpuParts = Object.keys(ours.cpuUs);
console.log(`\n#### CPU per request (µs; user + system, from /proc)\n`);
console.log(
  table(
    ['target', ...cpuParts, 'total'],
    results.map((r) => [r.target, ...cpuParts.map((p) => r.cpuUs[p] ?? 0), Object.values(r.cpuUs).reduce((a, b) => a + b, 0)]),
  ),
);
const { durableUs, ratio } = durableIngestion(ours.cpuUs, peer.cpuUs);
console.log(
  `\ngoal (api + PostgreSQL + Redis CPU per acked callback ≤ ${INGESTION_GOAL_RATIO}× the wechat middleware's): ${ratio <= INGESTION_GOAL_RATIO ? 'met' : 'not met'} — ${ratio.toFixed(2)}× (${durableUs} against ${peer.cpuUs.server} µs); throughput ${(ours.rps / peer.rps).toFixed(2)}× the middleware's, p99 ${ours.p99} ms`,
);
console.log(`BENCH_RESULT ${JSON.stringify({ bench: 'ingestion', results })}`);

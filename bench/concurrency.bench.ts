/**
 * Conversations held in flight by one worker process whose brain takes 2 s (a slow model): the
 * api queues N conversations first, then one worker with WORKER_CONCURRENCY=N starts and we watch
 * how many turns wait on the brain at once, how many the worker holds (its active jobs, each
 * locked: fetched and not yet finished) and its RSS. With a 2 s brain the first number is bounded by
 * how fast one process starts turns (N within 2 s to have all N waiting at once); a longer
 * `--brain-ms` shows what N waiting turns cost in memory.
 * BENCH_HEAP_SNAPSHOT=<file> BENCH_HEAP_SNAPSHOT_AT=<turns> in the environment make the worker write
 * a heap snapshot once that many turns are in flight (bench/targets/slow-brain-worker.ts).
 *   node --import tsx bench/concurrency.bench.ts [--conversations 10000] [--brain-ms 2000]
 */
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { startRole } from '../test/support/processes.ts';
import { REDIS_URL } from '../test/support/wecom-service.ts';
import { benchEnvironment, CALLBACK_PATH, sealedCallbacks, table } from './support/environment.ts';
import { startTarget } from './support/processes.ts';

const { values } = parseArgs({
  options: { conversations: { type: 'string', default: '10000' }, 'brain-ms': { type: 'string', default: '2000' } },
});
const conversations = Number(values.conversations);

const environment = await benchEnvironment({ WORKER_CONCURRENCY: String(conversations), JOB_LOCK_MS: '60000' });
try {
  const api = await startRole('api', environment.env);
  const callbacks = sealedCallbacks(conversations);
  let i = 0;
  await autocannon({
    url: `http://127.0.0.1:${api.port}`,
    connections: 32,
    amount: conversations,
    timeout: 30,
    requests: [
      { method: 'POST', setupRequest: (req) => ({ ...req, path: `${CALLBACK_PATH}?${callbacks[i]!.query}`, body: callbacks[i++]!.body }) },
    ],
  });
  const started = performance.now();
  const worker = await startTarget('bench/targets/slow-brain-worker.ts', {
    ...environment.env,
    PORT: '0',
    BENCH_BRAIN_MS: values['brain-ms'],
  });
  let last = {
    inFlight: 0,
    maxInFlight: 0,
    answered: 0,
    rssMb: 0,
    maxRssMb: 0,
    peak: { rssMb: 0, heapUsedMb: 0, externalMb: 0, atInFlight: 0 },
  };
  worker.lines((line) => (last = line as typeof last));
  // BullMQ's list of the jobs workers hold, under the prefix the roles derive from the database.
  const redis = new Redis(REDIS_URL);
  const activeKey = (await firstKeyMatching(redis, `${environment.env.REDIS_PREFIX}:*:conversation-turns:meta`)).replace(/meta$/, 'active');
  let maxHeld = 0;
  const sampling = setInterval(() => {
    void redis.llen(activeKey).then((held) => (maxHeld = Math.max(maxHeld, held)));
  }, 100);
  await environment.wecom.waitForDelivered(conversations, 300_000);
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampling);
  redis.disconnect();
  console.log(
    `\n### Conversations in flight in one worker (brain answers in ${values['brain-ms']} ms, WORKER_CONCURRENCY=${conversations})\n`,
  );
  console.log(
    table(
      [
        'conversations',
        'peak waiting on the brain',
        'peak held by the worker',
        'peak RSS MB',
        'at the RSS peak: waiting on the brain, V8 heap used MB, outside the heap MB',
        'all answered after s',
      ],
      [
        [
          conversations,
          last.maxInFlight,
          maxHeld,
          last.maxRssMb,
          `${last.peak.atInFlight}, ${last.peak.heapUsedMb}, ${last.peak.externalMb}`,
          seconds.toFixed(1),
        ],
      ],
    ),
  );
  console.log(`\ngoal 10,000 in flight under 512 MB: ${last.maxInFlight >= 10_000 && last.maxRssMb < 512 ? 'met' : 'not met'}`);
  console.log(
    `BENCH_RESULT ${JSON.stringify({ bench: 'concurrency', conversations, brainMs: Number(values['brain-ms']), ...last, maxHeld, seconds })}`,
  );
  worker.child.kill('SIGKILL');
  api.child.kill('SIGKILL');
  await api.exited;
} finally {
  await environment.close();
}

/**
 * SCAN until a key matches: one call looks at about COUNT keys only, so on a Redis holding more
 * (other runs' keys) the queue's key was missed and the bench crashed.
 */
async function firstKeyMatching(redis: Redis, pattern: string): Promise<string> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 10_000);
    if (keys[0] !== undefined) return keys[0];
    cursor = next;
  } while (cursor !== '0');
  throw new Error(`no Redis key matches ${pattern}`);
}

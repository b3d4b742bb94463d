/**
 * What the queue alone costs per message: the conversation queue's BullMQ job (added by this
 * process as the api adds it, `enqueueTurns` in groups, run by a worker process with the
 * production settings and a turn that does nothing). The CPU of the producer, the worker and
 * Redis per job is a floor under the end-to-end figure of bench/pipeline.bench.ts, whatever the
 * rest of kefu-hub does: each message is one job, and a job is two BullMQ Lua scripts in Redis
 * (add; move to finished, which also fetches the next) plus their clients' work.
 *   node --import tsx bench/queue-floor.bench.ts [--jobs 20000] [--group 1] [--concurrency 100]
 * --group: jobs per `addBulk` (the api's group commit puts the callbacks of a busy moment in one).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { createConversationQueue, enqueueTurns, type TurnJobData } from '../src/queue/conversation-queue.ts';
import { cpuPerItem, pidsNamed, startCpuCount, thisProcess } from './support/cpu-time.ts';
import { eventually, REDIS_URL } from '../test/support/wecom-service.ts';
import { table } from './support/environment.ts';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '20000' },
    group: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '100' },
  },
});
const jobs = Number(values.jobs);
const group = Number(values.group);
const prefix = `queue-floor-${process.pid}`;
const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
// 8 attempts: JOB_ATTEMPTS' default (src/config/env.ts).
const queue = createConversationQueue(connection, prefix, 8);
const worker = fork(fileURLToPath(new URL('./support/no-op-turn-worker.ts', import.meta.url)), {
  execArgv: ['--import', 'tsx'],
  env: { ...process.env, REDIS_URL, REDIS_PREFIX: prefix, WORKER_CONCURRENCY: values.concurrency },
});
// The bench fails, rather than waits for ever, if the worker dies at any point.
const workerDied = new Promise<never>((_, reject) => worker.once('exit', (code) => reject(new Error(`the worker exited (${code})`))));
workerDied.catch(() => {});
try {
  await Promise.race([new Promise((resolve) => worker.once('message', resolve)), workerDied]);
  const turns = (from: number, count: number): TurnJobData[] =>
    Array.from({ length: count }, (_, n) => ({ conversationId: from + n, messageId: from + n, messageStoredAt: 1 }));
  // BullMQ keeps only the last 1,000 completed jobs (removeOnComplete), so wait for no work left.
  const finishedAll = () => Promise.race([noWorkLeft(), workerDied]);
  const noWorkLeft = () =>
    eventually(
      async () => Object.values(await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized')).every((n) => n === 0),
      300_000,
      'the queue to have no work left',
      20,
    );
  // Warm-up: scripts loaded, connections made, code compiled.
  await enqueueTurns(queue, turns(-2000, 2000), 0);
  await finishedAll();
  const cpuSince = startCpuCount({ "adding (the api's part)": thisProcess, worker: () => [worker.pid!], Redis: pidsNamed('redis-server') });
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let n = 0; n < jobs; n += group) {
    inFlight.push(enqueueTurns(queue, turns(n, Math.min(group, jobs - n)), 0));
    // The api has a few groups in flight at once, not all of them.
    if (inFlight.length >= 32) await Promise.all(inFlight.splice(0));
  }
  await Promise.all(inFlight);
  await finishedAll();
  // A failed job costs less than a finished one: the floor holds only if every job finished.
  const { failed } = await queue.getJobCounts('failed');
  if (failed) throw new Error(`${failed} jobs failed: the figures are not a floor`);
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuPerItem(cpuSince(), jobs);
  const total = Object.values(cpu.parts).reduce((a, b) => a + b, 0);
  console.log(`\n### The queue's floor (${jobs} jobs, ${group} per addBulk, WORKER_CONCURRENCY=${values.concurrency})\n`);
  console.log(
    table(
      ['process', 'µs per job', 'of the 1,000 µs end-to-end goal'],
      [...Object.entries(cpu.parts), ['total', total] as [string, number]].map(([part, us]) => [part, us, `${Math.round(us / 10)} %`]),
    ),
  );
  console.log(`\n${Math.round(jobs / seconds)} jobs/s`);
  console.log(
    `BENCH_RESULT ${JSON.stringify({ bench: 'queue-floor', jobs, group, cpuUs: cpu.parts, jobsPerSecond: Math.round(jobs / seconds) })}`,
  );
} finally {
  // Measured already: nothing is left for it to finish, and BullMQ's close can wait on a blocking read.
  worker.kill('SIGKILL');
  await queue.obliterate({ force: true }).catch(() => {});
  await queue.close();
  // BullMQ leaves a connection it was given open.
  connection.disconnect();
}

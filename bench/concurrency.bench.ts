/**
 * Conversations held in flight by one worker process whose brain takes 2 s (a slow model): the
 * api queues N conversations first, then one worker with WORKER_CONCURRENCY=N starts and we watch
 * how many turns it holds at once and its RSS.
 *   node --import tsx bench/concurrency.bench.ts [--conversations 2500] [--brain-ms 2000]
 */
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { startRole } from '../test/support/processes.ts';
import { benchEnvironment, CALLBACK_PATH, sealedCallbacks, table } from './support/environment.ts';
import { startTarget } from './support/processes.ts';

const { values } = parseArgs({
  options: { conversations: { type: 'string', default: '2500' }, 'brain-ms': { type: 'string', default: '2000' } },
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
  let last = { inFlight: 0, maxInFlight: 0, answered: 0, rssMb: 0, maxRssMb: 0 };
  worker.lines((line) => (last = line as typeof last));
  await environment.wecom.waitForDelivered(conversations, 300_000);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `\n### Conversations in flight in one worker (brain answers in ${values['brain-ms']} ms, WORKER_CONCURRENCY=${conversations})\n`,
  );
  console.log(
    table(
      ['conversations', 'peak in flight', 'peak RSS MB', 'all answered after s'],
      [[conversations, last.maxInFlight, last.maxRssMb, seconds.toFixed(1)]],
    ),
  );
  console.log(`\ngoal ≥ 2,000 in flight under 512 MB: ${last.maxInFlight >= 2000 && last.maxRssMb < 512 ? 'met' : 'not met'}`);
  console.log(`BENCH_RESULT ${JSON.stringify({ bench: 'concurrency', conversations, ...last, seconds })}`);
  worker.child.kill('SIGKILL');
  api.child.kill('SIGKILL');
  await api.exited;
} finally {
  await environment.close();
}

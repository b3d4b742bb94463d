/**
 * End-to-end pipeline throughput: callbacks in, replies out at the fake WeCom, with a zero-latency
 * brain (the offline knowledge-base brain: in-process retrieval, about a millisecond, no model). One api and one worker process (the
 * two cores), PostgreSQL and Redis local, COALESCE_WINDOW_MS=0.
 *   node --import tsx bench/pipeline.bench.ts [--messages 6000] [--connections 32] [--concurrency 100]
 */
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { startRole } from '../test/support/processes.ts';
import { cpuPerItem, pidsNamed, startCpuCount, thisProcess } from './support/cpu-time.ts';
import { benchEnvironment, CALLBACK_PATH, sealedCallbacks, table } from './support/environment.ts';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '6000' },
    connections: { type: 'string', default: '32' },
    concurrency: { type: 'string', default: '100' },
  },
});
const messages = Number(values.messages);

const environment = await benchEnvironment({ WORKER_CONCURRENCY: values.concurrency });
try {
  const api = await startRole('api', environment.env);
  const worker = await startRole('worker', environment.env);
  const callbacks = sealedCallbacks(messages);
  let i = 0;
  const cpuSince = startCpuCount({
    api: () => [api.child.pid!],
    worker: () => [worker.child.pid!],
    PostgreSQL: pidsNamed('postgres'),
    Redis: pidsNamed('redis-server'),
    'load generator + fake WeCom': thisProcess,
  });
  const started = performance.now();
  const ingest = await autocannon({
    url: `http://127.0.0.1:${api.port}`,
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
  const seconds = (doneAt - started) / 1000;
  const rows = [
    ['callbacks acknowledged', ingest['2xx'], Math.round(ingest['2xx'] / ((ackedAt - started) / 1000)), `p99 ack ${ingest.latency.p99} ms`],
    [
      'replies delivered (end to end)',
      environment.wecom.delivered.length,
      Math.round(messages / seconds),
      `last reply ${seconds.toFixed(1)} s after the first callback`,
    ],
  ];
  console.log(
    `\n### End-to-end pipeline (${messages} messages from ${messages} customers; 1 api + 1 worker, WORKER_CONCURRENCY=${values.concurrency})\n`,
  );
  console.log(table(['stage', 'count', 'per second', 'note'], rows));
  console.log(`\nCPU per message (µs; user + system, from /proc): ${cpu.text}`);
  console.log(
    `\ngoal ≥ 3,000 msg/s end to end: ${messages / seconds >= 3000 ? 'met' : 'not met'} (${Math.round(messages / seconds)} msg/s)`,
  );
  console.log(
    `BENCH_RESULT ${JSON.stringify({ bench: 'pipeline', messages, ackPerSecond: Math.round(ingest['2xx'] / ((ackedAt - started) / 1000)), endToEndPerSecond: Math.round(messages / seconds), p99AckMs: ingest.latency.p99, cpuUs: cpu.parts })}`,
  );
  api.child.kill('SIGKILL');
  worker.child.kill('SIGKILL');
  await Promise.all([api.exited, worker.exited]);
} finally {
  await environment.close();
}

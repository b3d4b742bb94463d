/**
 * The cost of the durable part of an ack, alone: PostgreSQL's CPU per stored callback when the
 * intake's statement (customer, open conversation, message, dedupe) carries 1, 16, 64 or 256
 * callbacks at once — the group commit's batch sizes from idle to saturated. It bounds what any
 * ingestion figure on this machine can be: this much of a core goes to PostgreSQL per callback.
 *   node --import tsx bench/durable-store.bench.ts [--messages 4096]
 */
import { parseArgs } from 'node:util';
import { syncChannelAccounts } from '../src/conversations/channel-accounts.ts';
import { recordInboundBatch } from '../src/conversations/record-inbound.ts';
import { connectDatabase } from '../src/db/connect.ts';
import { applyMigrations } from '../src/db/migrate.ts';
import { createTestDatabase } from '../test/support/databases.ts';
import { inboundTextBatches } from '../test/support/inbound-batches.ts';
import { cpuPerItem, postgresServing, startCpuCount } from './support/cpu-time.ts';
import { table } from './support/environment.ts';

const { values } = parseArgs({ options: { messages: { type: 'string', default: '4096' } } });
const perSize = Number(values.messages);

const database = await createTestDatabase('postgres');
const handle = await connectDatabase({ url: database.url, poolSize: 1 });
const rows: Array<Array<string | number>> = [];
const results: Array<{ batch: number; postgresUs: number; wallUs: number }> = [];
try {
  await applyMigrations(handle);
  const ids = await syncChannelAccounts(handle.db, [{ channel: 'wecom', name: 'bench', settings: {} }]);
  const batch = inboundTextBatches(ids.get('wecom/bench')!, 'bench');
  for (let i = 0; i < 64; i++) await recordInboundBatch(handle.db, batch(16)); // warm-up: caches, a non-empty table

  for (const size of [1, 16, 64, 256]) {
    const cpuSince = startCpuCount({ PostgreSQL: postgresServing(new URL(database.url).pathname.slice(1)) });
    const started = performance.now();
    for (let stored = 0; stored < perSize; stored += size) await recordInboundBatch(handle.db, batch(size));
    const wallUs = Math.round(((performance.now() - started) * 1000) / perSize);
    const postgresUs = cpuPerItem(cpuSince(), perSize).parts.PostgreSQL!;
    results.push({ batch: size, postgresUs, wallUs });
    rows.push([size, postgresUs, wallUs, Math.round(1e6 / postgresUs)]);
  }
} finally {
  await handle.close();
  await database.drop();
}

console.log(`\n### Durable store alone: one intake statement per batch (${perSize} callbacks per batch size, PostgreSQL)\n`);
console.log(
  table(['callbacks per statement', 'PostgreSQL CPU µs per callback', 'wall µs per callback', 'callbacks/s per PostgreSQL core'], rows),
);
console.log(`BENCH_RESULT ${JSON.stringify({ bench: 'durable-store', results })}`);

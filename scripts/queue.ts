/**
 * `npm run queue -- <command>`: the operator's view of the queues (conversation turns, kf syncs).
 *   counts         jobs by state, per queue
 *   failed [N]     the dead-letter view: each queue's N most recent failed jobs with the reason,
 *                  without customer text (default 20)
 *   retry-failed   move every failed job back to waiting (after fixing what made them fail)
 * Uses the service's configuration (REDIS_URL, REDIS_PREFIX). The queue's keys also carry the
 * database's id (REDIS_PREFIX:<id>:…); it is found in Redis, so the CLI works while the service
 * holds the embedded database. When several databases share the prefix, name one with --db <id>.
 */
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/config/env.ts';
import { createKfSyncQueue, type KfSyncJob } from '../src/channels/wecom-kf/sync-worker.ts';
import { CONVERSATION_QUEUE, createConversationQueue, type TurnJobData } from '../src/queue/conversation-queue.ts';
import { type DeadLetterQueue, listDeadLetters, retryDeadLetters } from '../src/queue/dead-letters.ts';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { db: { type: 'string' } } });
const [command = 'counts', arg] = positionals;
const config = loadConfig();
const connection = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 });

/** The database ids that have conversation-queue keys under REDIS_PREFIX (REDIS_PREFIX:<id>:conversation-turns:…). */
async function databaseIds(): Promise<string[]> {
  const ids = new Set<string>();
  const pattern = `${config.env.REDIS_PREFIX}:*:${CONVERSATION_QUEUE}:*`;
  let cursor = '0';
  do {
    const [next, keys] = await connection.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) ids.add(key.split(':')[1]!);
  } while (cursor !== '0');
  return [...ids];
}

const ids = values.db ? [values.db] : await databaseIds();
if (ids.length !== 1) {
  console.error(
    ids.length === 0
      ? `no conversation queue under REDIS_PREFIX=${config.env.REDIS_PREFIX} at ${config.redisUrl}`
      : `several databases use REDIS_PREFIX=${config.env.REDIS_PREFIX}; name one with --db: ${ids.join(', ')}`,
  );
  connection.disconnect();
  process.exit(2);
}
const prefix = `${config.env.REDIS_PREFIX}:${ids[0]}`;
const queues: DeadLetterQueue[] = [
  {
    queue: createConversationQueue(connection, prefix, config.env.JOB_ATTEMPTS),
    subject: (data) => `conversation ${(data as TurnJobData).conversationId}`,
  },
  {
    queue: createKfSyncQueue(connection, prefix),
    subject: (data) => `kf ${(data as KfSyncJob).accountName}/${(data as KfSyncJob).openKfId}`,
  },
];
try {
  switch (command) {
    case 'counts':
      for (const { queue } of queues) {
        console.log(queue.name);
        console.table(await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed'));
      }
      break;
    case 'failed':
      console.table(await listDeadLetters(queues, Number(arg ?? 20)));
      break;
    case 'retry-failed':
      console.log(`${await retryDeadLetters(queues)} failed job(s) moved back to waiting`);
      break;
    default:
      console.error(`unknown command "${command}": use counts, failed [N] or retry-failed`);
      process.exitCode = 2;
  }
} finally {
  await Promise.all(queues.map(({ queue }) => queue.close()));
  connection.disconnect();
}

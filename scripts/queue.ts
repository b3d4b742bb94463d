/**
 * `npm run queue -- <command>`: the operator's view of the queues (conversation turns, kf syncs).
 *   counts         jobs by state, per queue
 *   failed [N]     the dead-letter view: each queue's N most recent failed jobs with the reason,
 *                  without customer text (default 20)
 *   retry-failed   move every failed job back to waiting (after fixing what made them fail)
 * Uses the service's configuration (REDIS_URL, REDIS_PREFIX).
 */
import { Redis } from 'ioredis';
import { loadConfig } from '../src/config/env.ts';
import { createKfSyncQueue, type KfSyncJob } from '../src/channels/wecom-kf/sync-worker.ts';
import { createConversationQueue, type TurnJobData } from '../src/queue/conversation-queue.ts';
import { type DeadLetterQueue, listDeadLetters, retryDeadLetters } from '../src/queue/dead-letters.ts';

const [command = 'counts', arg] = process.argv.slice(2);
const config = loadConfig();
const connection = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 });
const queues: DeadLetterQueue[] = [
  {
    queue: createConversationQueue(connection, config.env.REDIS_PREFIX, config.env.JOB_ATTEMPTS),
    subject: (data) => `conversation ${(data as TurnJobData).conversationId}`,
  },
  {
    queue: createKfSyncQueue(connection, config.env.REDIS_PREFIX),
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

/**
 * `npm run queue -- <command>`: the operator's view of the conversation queue.
 *   counts         jobs by state
 *   failed [N]     the N most recent failed jobs with their error (default 20)
 *   retry-failed   move every failed job back to waiting (after fixing what made them fail)
 * Uses the service's configuration (REDIS_URL, REDIS_PREFIX).
 */
import { Redis } from 'ioredis';
import { loadConfig } from '../src/config/env.ts';
import { createConversationQueue } from '../src/queue/conversation-queue.ts';

const [command = 'counts', arg] = process.argv.slice(2);
const config = loadConfig();
const connection = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 });
const queue = createConversationQueue(connection, config.env.REDIS_PREFIX, config.env.JOB_ATTEMPTS);
try {
  switch (command) {
    case 'counts':
      console.table(await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed'));
      break;
    case 'failed': {
      const jobs = await queue.getFailed(0, Number(arg ?? 20) - 1);
      console.table(
        jobs.map((j) => ({
          id: j.id,
          conversation: j.data.conversationId,
          attempts: j.attemptsMade,
          failedAt: new Date(j.finishedOn ?? 0).toISOString(),
          reason: j.failedReason,
        })),
      );
      break;
    }
    case 'retry-failed': {
      const jobs = await queue.getFailed(0, -1);
      for (const job of jobs) await job.retry('failed');
      console.log(`${jobs.length} failed job(s) moved back to waiting`);
      break;
    }
    default:
      console.error(`unknown command "${command}": use counts, failed [N] or retry-failed`);
      process.exitCode = 2;
  }
} finally {
  await queue.close();
  connection.disconnect();
}

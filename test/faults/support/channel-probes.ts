import { Queue } from 'bullmq';
import { KF_SYNC_QUEUE } from '../../../src/channels/wecom-kf/sync-worker.ts';
import { CONVERSATION_QUEUE } from '../../../src/queue/conversation-queue.ts';
import { REDIS_URL } from '../../support/wecom-service.ts';
import { ANSWER } from './load.ts';

/**
 * After a storm, is anything stuck? One valid question per channel must still be answered, and
 * no job may be left waiting or active. A channel whose queue a bad item blocked fails its probe.
 */
export interface Probe {
  channel: string;
  /** Sends the question; resolves with its answer's status. */
  ask: () => Promise<number | string>;
  /** The replies the customer has seen so far. */
  replies: () => string[] | Promise<string[]>;
}

export interface ProbeResult {
  channel: string;
  status: number | string;
  answered: boolean;
  seconds: number;
}

export async function runProbes(probes: Probe[], timeoutMs: number): Promise<ProbeResult[]> {
  return Promise.all(
    probes.map(async (p) => {
      const started = Date.now();
      const status = await p.ask();
      let answered = false;
      while (!answered && Date.now() - started < timeoutMs) {
        answered = (await p.replies()).some((r) => ANSWER.test(r));
        if (!answered) await new Promise((r) => setTimeout(r, 500));
      }
      return { channel: p.channel, status, answered, seconds: Math.round((Date.now() - started) / 100) / 10 };
    }),
  );
}

export type QueueCounts = Record<string, Record<string, number>>;

const UNFINISHED = ['active', 'waiting', 'delayed', 'prioritized', 'waiting-children'] as const;

/** Job counts of every queue of the service; waits (up to `timeoutMs`) for the unfinished ones to drain. */
export async function drainedQueues(prefix: string, timeoutMs: number): Promise<{ counts: QueueCounts; stuck: QueueCounts }> {
  const queues = [CONVERSATION_QUEUE, KF_SYNC_QUEUE].map((name) => new Queue(name, { connection: { url: REDIS_URL }, prefix }));
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const counts: QueueCounts = {};
      for (const q of queues) counts[q.name] = await q.getJobCounts(...UNFINISHED, 'failed', 'completed');
      const stuck = Object.fromEntries(
        Object.entries(counts)
          .map(([name, c]) => [name, Object.fromEntries(UNFINISHED.filter((s) => c[s]! > 0).map((s) => [s, c[s]!]))] as const)
          .filter(([, c]) => Object.keys(c).length > 0),
      );
      if (Object.keys(stuck).length === 0 || Date.now() > deadline) return { counts, stuck };
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    await Promise.all(queues.map((q) => q.close()));
  }
}

/** For a failure report: why the unfinished and failed jobs of a queue are where they are. */
export async function describeJobs(prefix: string, limit = 5): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const name of [CONVERSATION_QUEUE, KF_SYNC_QUEUE]) {
    const q = new Queue(name, { connection: { url: REDIS_URL }, prefix });
    try {
      for (const job of await q.getJobs([...UNFINISHED, 'failed'], 0, limit - 1)) {
        out.push({ queue: name, id: job.id, state: await job.getState(), attemptsMade: job.attemptsMade, failedReason: job.failedReason });
      }
    } finally {
      await q.close();
    }
  }
  return out;
}

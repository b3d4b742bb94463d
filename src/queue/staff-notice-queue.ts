import { Queue, type ConnectionOptions } from 'bullmq';

/**
 * The queue of notices to staff through the WeCom app (docs/agents.md, "Notifications in WeCom"):
 * apart from conversation turns, so a slow or failing WeCom never delays a customer's answer, and
 * retried with the project's backoff on its own.
 */
export const STAFF_NOTICE_QUEUE = 'staff-notices';

export type StaffNoticeJob =
  /** Tell the on-duty agents that this conversation waits (skipped if it no longer does). */
  | { kind: 'waiting'; conversationId: number }
  /** Answer a staff member who wrote to the app (their reply went out, or why it did not). */
  | { kind: 'answer'; memberId: string; text: string };

export function createStaffNoticeQueue(connection: ConnectionOptions, prefix: string, attempts: number): Queue<StaffNoticeJob> {
  return new Queue<StaffNoticeJob>(STAFF_NOTICE_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts,
      backoff: { type: 'jittered' },
      // Kept a day: a job id seen again within it (the same handoff, the same callback) adds nothing.
      removeOnComplete: { age: 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  });
}

/** BullMQ refuses `:` in custom ids; platform keys may hold anything. */
const idPart = (value: string) => value.replace(/[^A-Za-z0-9_-]/g, '_');

/**
 * One notice per handoff: `handoff` names it (the turn that handed over, by its message id and
 * storage time as turn job ids are; or the failed job), so a retried turn queues nothing new.
 */
export async function queueWaitingNotice(queue: Queue<StaffNoticeJob>, conversationId: number, handoff: string): Promise<void> {
  await queue.add('waiting', { kind: 'waiting', conversationId }, { jobId: `waiting-${conversationId}-${idPart(handoff)}` });
}

/** One answer per staff message: `key` is that message's platform dedupe key (a callback retry queues nothing new). */
export async function queueStaffAnswer(queue: Queue<StaffNoticeJob>, memberId: string, text: string, key: string): Promise<void> {
  await queue.add('answer', { kind: 'answer', memberId, text }, { jobId: `answer-${idPart(key)}` });
}

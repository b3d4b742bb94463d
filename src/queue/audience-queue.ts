import { type ConnectionOptions, Queue } from 'bullmq';
import { isOptOut } from '../broadcasts/opt-out.ts';

/**
 * The marketers' background work (docs/marketing.md): tag rules over each turn's messages, the
 * backfill of a new or changed rule over the history, the hourly sweep of `inactive` rules,
 * broadcasts, one slice after another, and the sync of the tag catalog with the platforms' tags.
 * Apart from conversation turns, so tagging never delays an answer.
 */
export const AUDIENCE_QUEUE = 'audience';

export type AudienceJob =
  | { kind: 'messages'; conversationId: number; messageIds: number[] }
  | { kind: 'backfill'; ruleId: number; revision: number }
  | { kind: 'sweep' }
  /** `chain` names a run of slices (who started it), `slice` counts them: together the job id. */
  | { kind: 'broadcast'; broadcastId: number; chain: string; slice: number }
  | { kind: 'tag-sync'; target: string }
  | { kind: 'customer-tag-push' }
  /** A WeCom external contact changed (change_external_contact): fetched again and kept. */
  | { kind: 'wecom-contact'; externalUserId: string }
  /** Reads what WeCom did with the broadcasts' group-send tasks (src/broadcasts/send-wecom-group-tasks.ts). */
  | { kind: 'group-task-check' };

/** How often `inactive` rules are swept: their unit is days, an hour late is nothing. */
export const INACTIVE_SWEEP_EVERY_MS = 3_600_000;

export function createAudienceQueue(connection: ConnectionOptions, prefix: string, attempts: number): Queue<AudienceJob> {
  return new Queue<AudienceJob>(AUDIENCE_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts,
      backoff: { type: 'exponential', delay: 1000 },
      // Kept a day: the same turn's messages, or the same rule revision, queued again adds nothing.
      removeOnComplete: { age: 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  });
}

/**
 * A turn's customer messages, once per turn (a retried turn queues nothing new), when the job has
 * work: a tag rule is enabled, or a message asks to opt out of broadcasts. Most turns have
 * neither, and the job cost a queue entry and two statements each. Skipping it misses no more than
 * the job would: `tagRulesEnabled` was read after the messages were stored, and a rule saved after
 * that read is backfilled up to the newest message its save saw (the job, reading the rules when
 * it ran, had the same window of a save under way).
 */
export async function queueRuleMessages(
  queue: Queue<AudienceJob>,
  conversationId: number,
  messages: ReadonlyArray<{ id: number; text: string }>,
  tagRulesEnabled: boolean,
): Promise<void> {
  if (messages.length === 0) return;
  if (!tagRulesEnabled && !messages.some((m) => isOptOut(m.text))) return;
  const messageIds = messages.map((m) => m.id);
  await queue.add(
    'messages',
    { kind: 'messages', conversationId, messageIds },
    { jobId: `messages-${messageIds[0]}-${messageIds.at(-1)}` },
  );
}

/** One backfill per rule revision. */
export async function queueBackfill(queue: Queue<AudienceJob>, ruleId: number, revision: number): Promise<void> {
  await queue.add('backfill', { kind: 'backfill', ruleId, revision }, { jobId: `backfill-${ruleId}-${revision}` });
}

/** The hourly sweep, scheduled once however many workers start (BullMQ job schedulers are upserted by id). */
export async function scheduleInactiveSweep(queue: Queue<AudienceJob>): Promise<void> {
  await queue.upsertJobScheduler('inactive-sweep', { every: INACTIVE_SWEEP_EVERY_MS }, { name: 'sweep', data: { kind: 'sweep' } });
}

/**
 * A broadcast's next slice, at `sendAt` (now if past). Each slice queues its successor under a new
 * id; should two chains of one broadcast ever run (a worker started while a slice was queued), they
 * share its recipients without sending any twice: each is claimed in a transaction.
 */
export async function queueBroadcast(
  queue: Queue<AudienceJob>,
  broadcastId: number,
  sendAt: Date,
  { chain, slice }: { chain: string; slice: number },
): Promise<void> {
  await queue.add(
    'broadcast',
    { kind: 'broadcast', broadcastId, chain, slice },
    { jobId: `broadcast-${broadcastId}-${chain}-${slice}`, delay: Math.max(0, sendAt.getTime() - Date.now()) },
  );
}

/**
 * A sync of the tag catalog with a platform (requestTagSync lets one run at a time per target).
 * Platform outages are retried with jittered back-off (src/lib/backoff.ts) for about five minutes;
 * each attempt goes on from the cursor the last one left (src/audience/sync-corp-tags.ts).
 */
export async function queueTagSync(queue: Queue<AudienceJob>, target: string, runId: string): Promise<void> {
  await queue.add(
    'tag-sync',
    { kind: 'tag-sync', target },
    { jobId: `tag-sync-${target}-${runId}`, attempts: 8, backoff: { type: 'jittered' } },
  );
}

/** How often customers' tag changes go to their platforms (Official Account user tags). */
export const CUSTOMER_TAG_PUSH_EVERY_MS = 60_000;

/** The push of customers' tag changes, scheduled once however many workers start. Retried with jittered back-off. */
export async function scheduleCustomerTagPush(queue: Queue<AudienceJob>): Promise<void> {
  await queue.upsertJobScheduler(
    'customer-tag-push',
    { every: CUSTOMER_TAG_PUSH_EVERY_MS },
    { name: 'customer-tag-push', data: { kind: 'customer-tag-push' }, opts: { attempts: 5, backoff: { type: 'jittered' } } },
  );
}

/**
 * The re-fetch of an external contact a change_external_contact event asked for. Not deduplicated:
 * a second event while the first job waits may carry a later change, and a fetch is idempotent.
 * Retried with jittered back-off like the tag sync, for WeCom outages and rate limits.
 */
export async function queueContactRefresh(queue: Queue<AudienceJob>, externalUserId: string): Promise<void> {
  await queue.add('wecom-contact', { kind: 'wecom-contact', externalUserId }, { attempts: 8, backoff: { type: 'jittered' } });
}

/** How often the group-send tasks' results are read: members confirm in their own time, minutes to days. */
export const GROUP_TASK_CHECK_EVERY_MS = 10 * 60_000;

/** The check of group-send tasks, scheduled once however many workers start. Retried with jittered back-off. */
export async function scheduleGroupTaskCheck(queue: Queue<AudienceJob>): Promise<void> {
  await queue.upsertJobScheduler(
    'group-task-check',
    { every: GROUP_TASK_CHECK_EVERY_MS },
    { name: 'group-task-check', data: { kind: 'group-task-check' }, opts: { attempts: 5, backoff: { type: 'jittered' } } },
  );
}

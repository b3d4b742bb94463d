import { type ConnectionOptions, type Job, Worker } from 'bullmq';
import { applyTagRulesToMessages } from '../audience/apply-tag-rules.ts';
import { backfillTagRuleStep, sweepInactiveRules } from '../audience/backfill-tag-rule.ts';
import { type BroadcastSendingDeps, sendBroadcastSlice } from '../broadcasts/send-broadcast-slice.ts';
import { readBroadcast } from '../broadcasts/broadcasts.ts';
import { recordOptOuts } from '../broadcasts/opt-out.ts';
import { failTagSync, syncCorpTags } from '../audience/sync-corp-tags.ts';
import { pushCustomerTags } from '../audience/push-customer-tags.ts';
import { importWecomContacts, refreshWecomContact, WECOM_CONTACT_IMPORT } from '../audience/keep-wecom-contacts.ts';
import { checkGroupTaskResults } from '../broadcasts/send-wecom-group-tasks.ts';
import type { ChannelKind, PlatformContacts, PlatformCustomerTags, PlatformGroupSends, PlatformTagLibrary } from '../channels/types.ts';
import { backoffDelay } from '../lib/backoff.ts';
import type { Database } from '../db/connect.ts';
import type { Logger } from '../observability/logger.ts';
import { AUDIENCE_QUEUE, type AudienceJob, queueBroadcast } from '../queue/audience-queue.ts';
import type { Queue } from 'bullmq';

export interface AudienceWorkerOptions {
  connection: ConnectionOptions;
  prefix: string;
  db: Database;
  logger: Logger;
  /** Told of a conversation whose customer got a tag from its turn (routing by segment may move it). */
  onTagged?(conversationId: number): Promise<void>;
  /** The platform tag libraries synced with the catalog, by sync target ('wecom'). */
  tagLibraries?: Map<string, PlatformTagLibrary>;
  /** The company's WeCom external contacts, imported and kept current as customers. */
  contacts?: PlatformContacts;
  /** Broadcasts to those contacts as tasks their members confirm: their results are read on a schedule. */
  groupSends?: PlatformGroupSends;
  /** The platforms that keep tags on their users, by channel: customers' tag changes are sent there. */
  customerTagPlatforms?: Map<ChannelKind, PlatformCustomerTags>;
  /** Broadcasts: the channels they go through, and the queue their next slices go to. */
  broadcasts: Omit<BroadcastSendingDeps, 'db' | 'logger'> & { queue: Queue<AudienceJob> };
  /** How long a broadcast slice sends (tests shorten it). */
  broadcastSliceMs?: number;
}

/**
 * Runs the audience queue: a turn's messages through the tag rules and the opt-out words, a rule's
 * backfill batch after batch (each its own transaction, so a killed worker's job, retried, goes on
 * where it stopped), the `inactive` sweep, a broadcast's slices, and the platforms' tags: the sync
 * of the catalog with WeCom's corp tags, the import of WeCom's external contacts and their re-fetch
 * on each change, and the push of customers' tags to their platforms.
 */
export function startAudienceWorker(options: AudienceWorkerOptions): Worker<AudienceJob> {
  const { db, logger } = options;

  async function process(job: Job<AudienceJob>): Promise<string> {
    const data = job.data;
    switch (data.kind) {
      case 'messages': {
        const tagged = await applyTagRulesToMessages(db, data.messageIds);
        if (tagged > 0) await options.onTagged?.(data.conversationId);
        const optedOut = await recordOptOuts(db, data.messageIds);
        return `tagged ${tagged}, opted out ${optedOut}`;
      }
      case 'broadcast': {
        const { queue, ...sending } = options.broadcasts;
        const outcome = await sendBroadcastSlice({ db, logger, ...sending }, data.broadcastId, options.broadcastSliceMs);
        if (outcome === 'more') await queueBroadcast(queue, data.broadcastId, new Date(), { chain: data.chain, slice: data.slice + 1 });
        // Ran early (its time was moved, or a clock differs): again at its time.
        if (outcome === 'not_due') {
          const { sendAt } = await readBroadcast(db, data.broadcastId);
          await queueBroadcast(queue, data.broadcastId, sendAt, { chain: `at-${sendAt.getTime()}`, slice: 0 });
        }
        return outcome;
      }
      case 'backfill': {
        let outcome = await backfillTagRuleStep(db, data.ruleId, data.revision);
        while (outcome === 'more') outcome = await backfillTagRuleStep(db, data.ruleId, data.revision);
        return outcome;
      }
      case 'sweep':
        return `swept ${await sweepInactiveRules(db)}`;
      case 'tag-sync': {
        if (data.target === WECOM_CONTACT_IMPORT) {
          if (!options.contacts) {
            await failTagSync(db, data.target, 'no WeCom app is configured to import external contacts from');
            return 'no contacts';
          }
          return `imported ${(await importWecomContacts(db, options.contacts)).imported}`;
        }
        const library = options.tagLibraries?.get(data.target);
        if (!library) {
          await failTagSync(db, data.target, `no channel offers the tag library "${data.target}"`);
          return 'no library';
        }
        const done = await syncCorpTags(db, library);
        return `imported ${done.imported}, pushed ${done.pushed}`;
      }
      case 'wecom-contact': {
        if (!options.contacts) return 'no contacts';
        const customerId = await refreshWecomContact(db, options.contacts, data.externalUserId);
        return customerId === null ? 'gone, never imported' : `kept customer ${customerId}`;
      }
      case 'group-task-check':
        return options.groupSends ? `recorded ${await checkGroupTaskResults(db, options.groupSends)}` : 'no group sends';
      case 'customer-tag-push': {
        if (!options.customerTagPlatforms?.size) return 'no platform keeps user tags';
        const { pushed, skipped } = await pushCustomerTags(db, options.customerTagPlatforms, logger);
        return `pushed ${pushed}, skipped ${skipped}`;
      }
    }
  }

  const worker = new Worker<AudienceJob>(AUDIENCE_QUEUE, process, {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: 2,
    settings: { backoffStrategy: (attemptsMade: number) => backoffDelay(attemptsMade, 1000, 60_000) },
  });
  worker.on('failed', (job, err) => {
    if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
    logger.error({ err, jobId: job.id }, 'audience job failed');
    if (job.data.kind === 'tag-sync')
      void failTagSync(db, job.data.target, err.message).catch((e) => logger.error({ err: e }, 'could not record the failed tag sync'));
  });
  return worker;
}

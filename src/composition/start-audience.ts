import type { Queue } from 'bullmq';
import { routeBySegments } from '../audience/route-by-segments.ts';
import { unfinishedBackfills } from '../audience/backfill-tag-rule.ts';
import { randomUUID } from 'node:crypto';
import { requestTagSync, unfinishedTagSyncs, WECOM_TAG_SYNC } from '../audience/sync-corp-tags.ts';
import { unfinishedBroadcasts } from '../broadcasts/broadcasts.ts';
import type { Channel, ChannelKind, PlatformContacts, PlatformGroupSends, PlatformTagLibrary } from '../channels/types.ts';
import {
  type AudienceJob,
  createAudienceQueue,
  queueBackfill,
  queueBroadcast,
  queueContactRefresh,
  queueTagSync,
  scheduleCustomerTagPush,
  scheduleGroupTaskCheck,
  scheduleInactiveSweep,
} from '../queue/audience-queue.ts';
import { recordMassSendFinished } from '../broadcasts/send-oa-mass-sends.ts';
import { startAudienceWorker } from '../workers/audience-worker.ts';
import type { Infrastructure } from './connect-infrastructure.ts';
import type { Assignment } from './start-round-robin.ts';
import type { StartContext } from './start-context.ts';

/** The audience queue, for every role: the API queues rule backfills, the worker each turn's messages. */
export async function startAudienceQueue({ config, stops }: StartContext, infra: Infrastructure): Promise<Queue<AudienceJob>> {
  const connection = infra.connectRedis('audience', { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  const queue = createAudienceQueue(connection, infra.redisPrefix, config.env.JOB_ATTEMPTS);
  infra.redisErrors.watchErrors(queue, 'audience');
  stops.add(() => queue.close());
  await queue.waitUntilReady();
  return queue;
}

/**
 * Routing by segment, then round-robin: what a conversation that starts waiting, or whose customer
 * just got a tag while waiting, goes through. A conversation routing moved is announced again (its team changed).
 */
export function routeThenAssign(infra: Infrastructure, { roundRobin }: Assignment, logger: StartContext['logger']) {
  return async (conversationIds: number[]): Promise<void> => {
    const moved = await routeBySegments(infra.db, conversationIds).catch((err) => {
      logger.warn({ err, conversationIds }, 'routing by segment failed; the account’s team keeps them');
      return [];
    });
    if (moved.length > 0) infra.announce(moved, 'updated');
    await roundRobin.waiting(conversationIds);
  };
}

/**
 * The worker roles run the audience jobs, go on with backfills and broadcasts a stop cut short,
 * and schedule the hourly sweep.
 */
export async function startAudienceWorkers(
  { logger, stops }: StartContext,
  infra: Infrastructure,
  queue: Queue<AudienceJob>,
  routeAndAssign: (conversationIds: number[]) => Promise<void>,
  channels: ReadonlyMap<ChannelKind, Channel>,
): Promise<void> {
  const all = [...channels.values()];
  const worker = startAudienceWorker({
    tagLibraries: tagLibrariesOf(all),
    ...contactsOf(all),
    customerTagPlatforms: new Map(all.flatMap((c) => (c.customerTags ? [[c.kind, c.customerTags] as const] : []))),
    connection: infra.connectRedis('audience worker', { maxRetriesPerRequest: null }),
    prefix: infra.redisPrefix,
    db: infra.db,
    logger,
    onTagged: (conversationId) => routeAndAssign([conversationId]),
    broadcasts: { channels, queue },
  });
  worker.on('error', (err) => infra.redisErrors.report('audience worker', err));
  await worker.waitUntilReady();
  stops.add(() => worker.close());
  await scheduleInactiveSweep(queue);
  await scheduleCustomerTagPush(queue);
  await scheduleGroupTaskCheck(queue);
  // A backfill's job may have expired or been lost with Redis; its state in PostgreSQL has not.
  for (const { ruleId, revision } of await unfinishedBackfills(infra.db)) await queueBackfill(queue, ruleId, revision);
  // Likewise a broadcast's next slice; recipients already claimed are never claimed again.
  const chain = `start-${Date.now()}`;
  for (const { id, sendAt } of await unfinishedBroadcasts(infra.db)) await queueBroadcast(queue, id, sendAt, { chain, slice: 0 });
  // Likewise a tag sync: queued again under the same id, so several workers starting queue it once.
  for (const target of await unfinishedTagSyncs(infra.db)) await queueTagSync(queue, target, 'resumed');
}

/** The tag libraries channels offer, by sync target: WeCom's corp tags are the one kind today. */
export function tagLibrariesOf(channels: Channel[]): Map<string, PlatformTagLibrary> {
  const wecom = channels.find((c) => c.kind === 'wecom')?.tagLibrary;
  return new Map(wecom ? [[WECOM_TAG_SYNC, wecom]] : []);
}

/** The company's WeCom external contacts and their group sends, when a WeCom app is configured. */
function contactsOf(channels: Channel[]): { contacts?: PlatformContacts; groupSends?: PlatformGroupSends } {
  const wecom = channels.find((c) => c.kind === 'wecom');
  return { ...(wecom?.contacts && { contacts: wecom.contacts }), ...(wecom?.groupSends && { groupSends: wecom.groupSends }) };
}

/**
 * WeCom says an external contact changed (change_external_contact, heard by the API): their re-fetch
 * is queued before the callback is answered, so a Redis outage fails the callback and WeCom retries.
 */
export function refreshWhenContactsChange(queue: Queue<AudienceJob>, channels: Channel[]): void {
  contactsOf(channels).contacts?.onChanged((externalUserId) => queueContactRefresh(queue, externalUserId));
}

/**
 * WeCom says its corp tags changed (change_external_tag, heard by the API): a sync is asked for. One
 * already running is not started twice, and its import may already see the change; the next
 * manual or event-started sync sees it at the latest.
 */
export function syncWhenPlatformTagsChange(
  db: Infrastructure['db'],
  queue: Queue<AudienceJob>,
  channels: Channel[],
  logger: StartContext['logger'],
): void {
  for (const [target, library] of tagLibrariesOf(channels)) {
    library.onChanged(() => {
      void requestTagSync(db, target)
        .then(async ({ started }) => {
          if (started) await queueTagSync(queue, target, randomUUID());
        })
        .catch((err) => logger.warn({ err, target }, 'could not start the tag sync WeCom’s change asked for'));
    });
  }
}

/**
 * The Official Account says a mass send finished (MASSSENDJOBFINISH, heard by the API): its totals
 * are stored before the callback is answered, so a database outage fails it and WeChat retries.
 */
export function recordWhenMassSendsFinish(db: Infrastructure['db'], channels: Channel[], logger: StartContext['logger']): void {
  channels
    .find((c) => c.kind === 'wechat-mp')
    ?.massSends?.onFinished(async (report) => {
      if (!(await recordMassSendFinished(db, report)))
        logger.warn({ account: report.accountName, msgId: report.msgId }, 'a finished mass send that is not ours');
    });
}

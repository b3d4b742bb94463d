import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { ChannelKind, PlatformCustomerTags } from '../channels/types.ts';
import { type Database, whileHoldingLock } from '../db/connect.ts';
import { channelAccounts, customers, customerTagEvents, tags, tagSyncs } from '../db/schema.ts';
import { RejectedRequestError } from '../errors.ts';
import type { Logger } from '../observability/logger.ts';

/**
 * Tags put on or taken off customers here go to their platform when it keeps tags on its users
 * (Official Account user tags; docs/marketing.md, "Sync with the platforms"). The customers' tag
 * history (customer_tag_events) is the outbox: walked in id order from a cursor in tag_syncs, each
 * change its own step, so a run cut short goes on where it stopped and none is sent twice in a row.
 *
 * A change the platform's limits refuse (100 tags per account, 20 per user) is skipped with the
 * reason in `last_error` and the log; a failure a retry can help stops the run, and its job retries.
 * Changes whose source is the customer's own platform came from there and are not sent back.
 */
export const CUSTOMER_TAG_PUSH = 'customer-tags';

const BATCH = 100;
/** Advisory lock: two runs (a slow one and the next scheduled) would send the same change twice. */
const PUSH_LOCK_KEY = 7_314_161;

export async function pushCustomerTags(
  db: Database,
  platforms: Map<ChannelKind, PlatformCustomerTags>,
  logger: Logger,
): Promise<{ pushed: number; skipped: number }> {
  return whileHoldingLock(db, PUSH_LOCK_KEY, () => pushFromCursor(db, platforms, logger));
}

async function pushFromCursor(
  db: Database,
  platforms: Map<ChannelKind, PlatformCustomerTags>,
  logger: Logger,
): Promise<{ pushed: number; skipped: number }> {
  const target = CUSTOMER_TAG_PUSH;
  if (platforms.size === 0) return { pushed: 0, skipped: 0 };
  await db.insert(tagSyncs).values({ target }).onConflictDoNothing();
  let pushed = 0;
  let skipped = 0;
  for (;;) {
    const [sync] = await db.select({ cursor: tagSyncs.cursor }).from(tagSyncs).where(eq(tagSyncs.target, target));
    const batch = await db
      .select({
        id: customerTagEvents.id,
        action: customerTagEvents.action,
        source: customerTagEvents.source,
        tag: tags.name,
        platformTagId: tags.wecomTagId,
        channel: channelAccounts.channel,
        accountName: channelAccounts.name,
        customerExternalId: customers.externalId,
      })
      .from(customerTagEvents)
      .innerJoin(tags, eq(tags.id, customerTagEvents.tagId))
      .innerJoin(customers, eq(customers.id, customerTagEvents.customerId))
      .innerJoin(channelAccounts, eq(channelAccounts.id, customers.channelAccountId))
      // Only the customers of platforms that keep tags: the history of the others is never walked.
      .where(and(gt(customerTagEvents.id, sync!.cursor), inArray(channelAccounts.channel, [...platforms.keys()])))
      .orderBy(asc(customerTagEvents.id))
      .limit(BATCH);
    if (batch.length === 0) break;
    for (const change of batch) {
      const platform = platforms.get(change.channel as ChannelKind);
      let lastError: string | undefined;
      let sent = false;
      if (platform && change.source !== change.channel) {
        try {
          const to = { accountName: change.accountName, customerExternalId: change.customerExternalId };
          await platform.apply(to, { tag: change.tag, add: change.action === 'added', platformTagId: change.platformTagId });
          sent = true;
          pushed++;
        } catch (err) {
          if (!(err instanceof RejectedRequestError)) throw err;
          skipped++;
          lastError = err.message;
          logger.warn({ code: err.code, reason: err.message, eventId: change.id }, 'a tag change was not sent to its platform');
        }
      }
      await db
        .update(tagSyncs)
        .set({
          cursor: change.id,
          ...(lastError !== undefined && { lastError }),
          ...(sent && { pushed: sql`${tagSyncs.pushed} + 1` }),
          updatedAt: sql`now()`,
        })
        .where(eq(tagSyncs.target, target));
    }
  }
  return { pushed, skipped };
}

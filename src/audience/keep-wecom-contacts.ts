import { and, eq, gt, inArray, isNotNull, ne, sql } from 'drizzle-orm';
import type { PlatformContact, PlatformContacts } from '../channels/types.ts';
import { type Database, whileHoldingLock } from '../db/connect.ts';
import { channelAccounts, customers, customerTagEvents, customerTags, tags, tagSyncs } from '../db/schema.ts';
import type { Transaction } from '../db/transaction.ts';
import { RejectedRequestError } from '../errors.ts';
import { tagCustomer, untagCustomer } from '../customers/customer-tags.ts';
import { CUSTOMER_TAG_PUSH } from './push-customer-tags.ts';
import { recordSyncRun, type TagSyncView } from './sync-corp-tags.ts';

/**
 * WeCom's external contacts (客户联系) as customers of the first WeCom app (docs/marketing.md,
 * "External contacts"): their name and avatar, the members following them (remark, when added) in
 * `profile.wecomContact`, and their corp tags as our linked tags with source `wecom`.
 *
 * - Kept current: each change_external_contact event queues a re-fetch of the contact (the event
 *   carries ids only), which replaces what we knew: a linked tag WeCom no longer has is taken off,
 *   unless a change of it here has not been pushed to WeCom yet (the push would be undone otherwise).
 * - Imported: a job walks the members (get_follow_user_list) in pages of batch/get_by_user, each page
 *   one transaction that also moves the cursor in tag_syncs (target `wecom-contacts`): a run cut short
 *   goes on from its last page. An import only adds; removals come with the events.
 *
 * Corp tags the catalog does not know yet (no sync since they were made) are left out until it does.
 */
export const WECOM_CONTACT_IMPORT = 'wecom-contacts';

/** Advisory lock: a job queued again at start (`resumed`) may meet the one still running. */
const IMPORT_LOCK_KEY = 7_314_163;

interface KeptFollow {
  userId: string;
  remark: string;
  addedAt: string;
}

/** Fetches one contact again and keeps what WeCom says now. Returns the customer's id, or null for a contact never imported and gone. */
export async function refreshWecomContact(db: Database, contacts: PlatformContacts, externalUserId: string): Promise<number | null> {
  const found = await contacts.fetch(externalUserId);
  const accountId = await contactAccountId(db, contacts);
  return db.transaction(async (tx) => {
    if (found) return keepContact(tx, accountId, found, 'replace');
    const [known] = await tx
      .select({ id: customers.id })
      .from(customers)
      .where(and(eq(customers.channelAccountId, accountId), eq(customers.externalId, externalUserId)));
    if (!known) return null;
    // No member follows them any more: the customer and their history stay, without follows or corp tags.
    return keepContact(tx, accountId, { externalUserId, name: '', follows: [] }, 'replace');
  });
}

/** One whole import (the job's body), from the cursor a cut-short run left. A failure is recorded and rethrown so the job retries it. */
export async function importWecomContacts(db: Database, contacts: PlatformContacts): Promise<TagSyncView> {
  const target = WECOM_CONTACT_IMPORT;
  return whileHoldingLock(db, IMPORT_LOCK_KEY, () =>
    recordSyncRun(db, target, async () => {
      const accountId = await contactAccountId(db, contacts);
      const members = await contacts.members();
      const chunks: string[][] = [];
      for (let i = 0; i < members.length; i += contacts.membersPerPage) chunks.push(members.slice(i, i + contacts.membersPerPage));
      for (;;) {
        const [sync] = await db.select().from(tagSyncs).where(eq(tagSyncs.target, target));
        const chunk = chunks[sync?.cursor ?? 0];
        if (!chunk) return;
        const page = await contacts.page(chunk, sync?.pageCursor ?? '');
        await db.transaction(async (tx) => {
          for (const contact of page.contacts) await keepContact(tx, accountId, contact, 'merge');
          await tx
            .update(tagSyncs)
            .set({
              ...(page.nextCursor ? { pageCursor: page.nextCursor } : { cursor: sql`${tagSyncs.cursor} + 1`, pageCursor: null }),
              imported: sql`${tagSyncs.imported} + ${page.contacts.length}`,
              updatedAt: sql`now()`,
            })
            .where(eq(tagSyncs.target, target));
        });
      }
    }),
  );
}

async function contactAccountId(db: Database, contacts: PlatformContacts): Promise<number> {
  const [row] = await db
    .select({ id: channelAccounts.id })
    .from(channelAccounts)
    .where(and(eq(channelAccounts.channel, 'wecom'), eq(channelAccounts.name, contacts.accountName)));
  if (!row) throw new RejectedRequestError('unknown_account', `no WeCom app named "${contacts.accountName}" is recorded`, 404);
  return row.id;
}

/**
 * Upserts the customer. `replace`: the contact as a whole (a fetch): follows and linked tags become
 * WeCom's. `merge`: one member's follow of them (an import page): that follow replaces its old self,
 * its tags are added.
 */
async function keepContact(tx: Transaction, accountId: number, c: PlatformContact, mode: 'replace' | 'merge'): Promise<number> {
  const [before] = await tx
    .select({ id: customers.id, profile: customers.profile })
    .from(customers)
    .where(and(eq(customers.channelAccountId, accountId), eq(customers.externalId, c.externalUserId)))
    .for('update');
  const known = ((before?.profile.wecomContact as { follows?: KeptFollow[] } | undefined)?.follows ?? []).filter(
    (f) => mode === 'merge' && !c.follows.some((n) => n.userId === f.userId),
  );
  const follows = [...known, ...c.follows.map((f) => ({ userId: f.userId, remark: f.remark, addedAt: f.addedAt.toISOString() }))];
  const profile = { ...(c.avatar && { avatar: c.avatar }), wecomContact: { follows } };
  const [row] = await tx
    .insert(customers)
    .values({ channelAccountId: accountId, externalId: c.externalUserId, ...(c.name && { displayName: c.name }), profile })
    .onConflictDoUpdate({
      target: [customers.channelAccountId, customers.externalId],
      set: {
        ...(c.name && { displayName: c.name }),
        profile: sql`${customers.profile} || ${JSON.stringify(profile)}::jsonb`,
      },
    })
    .returning({ id: customers.id });
  const customerId = row!.id;

  const platformIds = [...new Set(c.follows.flatMap((f) => f.tagIds))];
  const wanted = platformIds.length ? await tx.select({ id: tags.id }).from(tags).where(inArray(tags.wecomTagId, platformIds)) : [];
  const setter = { source: 'wecom' as const };
  for (const { id } of wanted) await tagCustomer(tx, customerId, id, setter);
  if (mode === 'merge') return customerId;

  const held = await tx
    .select({ id: tags.id })
    .from(customerTags)
    .innerJoin(tags, eq(tags.id, customerTags.tagId))
    .where(and(eq(customerTags.customerId, customerId), isNotNull(tags.wecomTagId)));
  const unpushed = new Set(await unpushedTagChanges(tx, customerId));
  for (const { id } of held) if (!wanted.some((w) => w.id === id) && !unpushed.has(id)) await untagCustomer(tx, customerId, id, setter);
  return customerId;
}

/** The tags whose change on this customer here the push has not sent to WeCom yet. */
async function unpushedTagChanges(tx: Transaction, customerId: number): Promise<number[]> {
  const [push] = await tx.select({ cursor: tagSyncs.cursor }).from(tagSyncs).where(eq(tagSyncs.target, CUSTOMER_TAG_PUSH));
  const rows = await tx
    .select({ tagId: customerTagEvents.tagId })
    .from(customerTagEvents)
    .where(
      and(eq(customerTagEvents.customerId, customerId), gt(customerTagEvents.id, push?.cursor ?? 0), ne(customerTagEvents.source, 'wecom')),
    );
  return rows.map((r) => r.tagId);
}

import { asc, eq, sql } from 'drizzle-orm';
import { type AuditContext, recordAudit } from '../audit/audit-log.ts';
import type { Database } from '../db/connect.ts';
import { refuseDuplicate } from '../db/refused-value.ts';
import { customerTagEvents, customerTags, tagGroups, tagRules, tags, wecomTagDeletions } from '../db/schema.ts';
import { refuseReadOnlyTag } from './sync-corp-tags.ts';
import type { Transaction } from '../db/transaction.ts';
import { RejectedRequestError } from '../errors.ts';

/**
 * Tag groups and their tags (标签组 / 标签), managed by marketers and admins. Every change is one
 * transaction with its audit entry. A name taken (ignoring case, within the group for tags) is a 409.
 */
export interface TagGroupView {
  id: number;
  name: string;
  tags: Array<{ id: number; name: string; customers: number; wecom: WecomLink }>;
}

/** How a tag stands with WeCom's corp tags: ours alone, synced and ours to edit, or another app's (read-only). */
export type WecomLink = 'none' | 'synced' | 'read_only';

/** Every group with its tags and how many customers carry each, by name. */
export async function listTagGroups(db: Database): Promise<TagGroupView[]> {
  const groups = await db.select({ id: tagGroups.id, name: tagGroups.name }).from(tagGroups).orderBy(asc(tagGroups.name));
  const rows = await db
    .select({
      id: tags.id,
      groupId: tags.groupId,
      name: tags.name,
      wecomTagId: tags.wecomTagId,
      wecomOwned: tags.wecomOwned,
      customers: sql<number>`(select count(*)::int from customer_tags ct where ct.tag_id = ${tags.id})`,
    })
    .from(tags)
    .orderBy(asc(tags.name));
  return groups.map((g) => ({
    ...g,
    tags: rows
      .filter((t) => t.groupId === g.id)
      .map(({ id, name, customers, wecomTagId, wecomOwned }) => ({
        id,
        name,
        customers,
        wecom: (wecomTagId === null ? 'none' : wecomOwned ? 'synced' : 'read_only') as WecomLink,
      })),
  }));
}

export async function createTagGroup(db: Database, name: string, audit: AuditContext): Promise<{ id: number; name: string }> {
  return refuseDuplicate(
    () =>
      db.transaction(async (tx) => {
        const [group] = await tx.insert(tagGroups).values({ name }).returning({ id: tagGroups.id, name: tagGroups.name });
        await recordAudit(tx, audit, { action: 'tag_group.create', objectType: 'tag_group', objectId: group!.id, details: { name } });
        return group!;
      }),
    () => nameTaken(`a tag group is already named ${name}`),
  );
}

export async function renameTagGroup(db: Database, id: number, name: string, audit: AuditContext): Promise<{ id: number; name: string }> {
  return refuseDuplicate(
    () =>
      db.transaction(async (tx) => {
        const [before] = await tx.select({ name: tagGroups.name }).from(tagGroups).where(eq(tagGroups.id, id)).for('update');
        if (!before) throw notFound('tag group', id);
        const [group] = await tx
          .update(tagGroups)
          .set({ name, updatedAt: sql`now()` })
          .where(eq(tagGroups.id, id))
          .returning({ id: tagGroups.id, name: tagGroups.name });
        await recordAudit(tx, audit, {
          action: 'tag_group.update',
          objectType: 'tag_group',
          objectId: id,
          details: { from: before.name, to: name },
        });
        return group!;
      }),
    () => nameTaken(`a tag group is already named ${name}`),
  );
}

/** Removes an empty group; one that still has tags is a 409 (remove or move them first). */
export async function deleteTagGroup(db: Database, id: number, audit: AuditContext): Promise<void> {
  await db.transaction(async (tx) => {
    const [group] = await tx.select({ name: tagGroups.name }).from(tagGroups).where(eq(tagGroups.id, id)).for('update');
    if (!group) throw notFound('tag group', id);
    const [inside] = await tx.select({ id: tags.id }).from(tags).where(eq(tags.groupId, id)).limit(1);
    if (inside) throw new RejectedRequestError('group_not_empty', `tag group ${group.name} still has tags`, 409);
    await tx.delete(tagGroups).where(eq(tagGroups.id, id));
    await recordAudit(tx, audit, { action: 'tag_group.delete', objectType: 'tag_group', objectId: id, details: { name: group.name } });
  });
}

export async function createTag(db: Database, input: { groupId: number; name: string }, audit: AuditContext) {
  return refuseDuplicate(
    () =>
      db.transaction(async (tx) => {
        await lockGroup(tx, input.groupId);
        const [tag] = await tx.insert(tags).values(input).returning({ id: tags.id, groupId: tags.groupId, name: tags.name });
        await recordAudit(tx, audit, { action: 'tag.create', objectType: 'tag', objectId: tag!.id, details: input });
        return tag!;
      }),
    () => nameTaken(`the group already has a tag named ${input.name}`),
  );
}

/** Renames a tag or moves it to another group; the customers who carry it keep it. */
export async function changeTag(db: Database, id: number, change: { name?: string; groupId?: number }, audit: AuditContext) {
  return refuseDuplicate(
    () =>
      db.transaction(async (tx) => {
        const [found] = await tx
          .select({ name: tags.name, groupId: tags.groupId, wecomTagId: tags.wecomTagId, wecomOwned: tags.wecomOwned })
          .from(tags)
          .where(eq(tags.id, id))
          .for('update');
        if (!found) throw notFound('tag', id);
        refuseReadOnlyTag(found, {
          rename: change.name !== undefined && change.name !== found.name,
          move: change.groupId !== undefined && change.groupId !== found.groupId,
        });
        const before = { name: found.name, groupId: found.groupId };
        if (change.groupId !== undefined) await lockGroup(tx, change.groupId);
        const [tag] = await tx
          .update(tags)
          .set({ ...change, updatedAt: sql`now()` })
          .where(eq(tags.id, id))
          .returning({ id: tags.id, groupId: tags.groupId, name: tags.name });
        await recordAudit(tx, audit, { action: 'tag.update', objectType: 'tag', objectId: id, details: { before, after: change } });
        return tag!;
      }),
    () => nameTaken(`the group already has a tag named ${change.name}`),
  );
}

/**
 * Removes a tag from the catalog and from every customer, with its history: a tag that no longer
 * exists has no history worth keeping. A tag a rule still sets is a 409 (change the rule first).
 */
export async function deleteTag(db: Database, id: number, audit: AuditContext): Promise<void> {
  await db.transaction(async (tx) => {
    const [tag] = await tx
      .select({ name: tags.name, wecomTagId: tags.wecomTagId, wecomOwned: tags.wecomOwned })
      .from(tags)
      .where(eq(tags.id, id))
      .for('update');
    if (!tag) throw notFound('tag', id);
    refuseReadOnlyTag(tag, { remove: true });
    const [rule] = await tx.select({ name: tagRules.name }).from(tagRules).where(eq(tagRules.tagId, id)).limit(1);
    if (rule) throw new RejectedRequestError('tag_in_use', `the rule ${rule.name} sets tag ${tag.name}`, 409);
    const removed = await tx.delete(customerTags).where(eq(customerTags.tagId, id)).returning({ customerId: customerTags.customerId });
    await tx.delete(customerTagEvents).where(eq(customerTagEvents.tagId, id));
    await tx.delete(tags).where(eq(tags.id, id));
    // Ours on WeCom too: the next sync deletes it there.
    if (tag.wecomTagId !== null) await tx.insert(wecomTagDeletions).values({ wecomTagId: tag.wecomTagId }).onConflictDoNothing();
    await recordAudit(tx, audit, {
      action: 'tag.delete',
      objectType: 'tag',
      objectId: id,
      details: { name: tag.name, customers: removed.length },
    });
  });
}

async function lockGroup(tx: Transaction, groupId: number): Promise<void> {
  const [group] = await tx.select({ id: tagGroups.id }).from(tagGroups).where(eq(tagGroups.id, groupId)).for('share');
  if (!group) throw notFound('tag group', groupId);
}

const notFound = (what: string, id: number) => new RejectedRequestError('not_found', `there is no ${what} ${id}`, 404);

const nameTaken = (message: string) => new RejectedRequestError('name_taken', message, 409);

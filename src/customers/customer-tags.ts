import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { type AuditContext, recordAudit } from '../audit/audit-log.ts';
import type { Database } from '../db/connect.ts';
import { type CustomerTagSource, customers, customerTagEvents, customerTags as customerTagsTable, tagGroups, tags } from '../db/schema.ts';
import type { Executor, Transaction } from '../db/transaction.ts';
import { RejectedRequestError } from '../errors.ts';
import type { StaffActor } from '../conversations/staff-access.ts';
import { requireCustomerVisible } from './customer-visibility.ts';

/**
 * Tags on customers (docs/marketing.md): how one gets there (a person, a rule, the brain, a
 * platform's sync), recorded on the tag and in the customer's tag history, and the same for its
 * removal. The worker reads the tags with each turn's state (src/conversations/load-turn.ts), so
 * the next turn sees them.
 */

/** Who put a tag on, or took it off: `userId` for a person, `ruleId` for a rule. */
export interface TagSetter {
  source: CustomerTagSource;
  ruleId?: number;
  userId?: number;
}

/** The group tags named by a rule, the brain or a platform land in when no group has the name. */
export const UNGROUPED = '未分组';

/**
 * The tag of this name (ignoring case), made in 未分组 when there is none: the brain and platform
 * sync know tags by name. The oldest wins when several groups have the name.
 */
export async function tagIdByName(db: Executor, name: string): Promise<number> {
  const [found] = await db
    .select({ id: tags.id })
    .from(tags)
    .where(sql`lower(${tags.name}) = lower(${name})`)
    .orderBy(asc(tags.id))
    .limit(1);
  if (found) return found.id;
  await db.insert(tagGroups).values({ name: UNGROUPED }).onConflictDoNothing();
  const [made] = await db
    .execute(sql`
    insert into tags (group_id, name) select id, ${name} from tag_groups where name = ${UNGROUPED}
    on conflict (group_id, lower(name)) do update set updated_at = tags.updated_at
    returning id`)
    .then((r) => (r as unknown as { rows: Array<{ id: number }> }).rows);
  return made!.id;
}

/**
 * Puts a tag on a customer; tagging twice keeps the first (its source and time) and records
 * nothing. Returns whether it was added.
 */
export async function tagCustomer(db: Executor, customerId: number, tagId: number, setter: TagSetter): Promise<boolean> {
  const added = await db
    .insert(customerTagsTable)
    .values({ customerId, tagId, source: setter.source, ruleId: setter.ruleId ?? null, userId: setter.userId ?? null })
    .onConflictDoNothing()
    .returning({ tagId: customerTagsTable.tagId });
  if (added.length === 0) return false;
  await db.insert(customerTagEvents).values({ customerId, tagId, action: 'added', ...setterColumns(setter) });
  return true;
}

/** Takes a tag off a customer, recorded with who did it; false when the customer did not have it. */
export async function untagCustomer(db: Executor, customerId: number, tagId: number, setter: TagSetter): Promise<boolean> {
  const removed = await db
    .delete(customerTagsTable)
    .where(and(eq(customerTagsTable.customerId, customerId), eq(customerTagsTable.tagId, tagId)))
    .returning({ tagId: customerTagsTable.tagId });
  if (removed.length === 0) return false;
  await db.insert(customerTagEvents).values({ customerId, tagId, action: 'removed', ...setterColumns(setter) });
  return true;
}

const setterColumns = (setter: TagSetter) => ({ source: setter.source, ruleId: setter.ruleId ?? null, userId: setter.userId ?? null });

/** A person tags or untags a customer from the console: one transaction with its audit entry; 404 for an unknown customer or tag. */
export async function changeCustomerTag(
  db: Database,
  actor: StaffActor,
  change: { customerId: number; tagId: number; add: boolean },
  audit: AuditContext,
): Promise<{ changed: boolean }> {
  return db.transaction(async (tx) => {
    const [customer] = await tx.select({ id: customers.id }).from(customers).where(eq(customers.id, change.customerId));
    if (!customer) throw new RejectedRequestError('not_found', `there is no customer ${change.customerId}`, 404);
    await requireCustomerVisible(tx, actor, change.customerId);
    const [tag] = await tx.select({ id: tags.id, name: tags.name }).from(tags).where(eq(tags.id, change.tagId));
    if (!tag) throw new RejectedRequestError('not_found', `there is no tag ${change.tagId}`, 404);
    const setter: TagSetter = { source: 'manual', ...(audit.actorId !== null && { userId: audit.actorId }) };
    const changed = change.add
      ? await tagCustomer(tx, change.customerId, change.tagId, setter)
      : await untagCustomer(tx, change.customerId, change.tagId, setter);
    if (changed) {
      await recordAudit(tx, audit, {
        action: change.add ? 'customer.tag' : 'customer.untag',
        objectType: 'customer',
        objectId: change.customerId,
        details: { tagId: tag.id, tag: tag.name },
      });
    }
    return { changed };
  });
}

/** The tag names of one customer, sorted (the console's customer panel). */
export async function customerTags(db: Executor, customerId: number): Promise<string[]> {
  const rows = await db
    .select({ name: tags.name })
    .from(customerTagsTable)
    .innerJoin(tags, eq(tags.id, customerTagsTable.tagId))
    .where(eq(customerTagsTable.customerId, customerId))
    .orderBy(asc(tags.name));
  return rows.map((row) => row.name);
}

/** A customer's tag history as a staff member may read it: 404 for no such customer, 403 for one they may not see. */
export async function readCustomerTagHistory(db: Database, actor: StaffActor, customerId: number) {
  const [customer] = await db.select({ id: customers.id }).from(customers).where(eq(customers.id, customerId));
  if (!customer) throw new RejectedRequestError('not_found', `there is no customer ${customerId}`, 404);
  await requireCustomerVisible(db, actor, customerId);
  return customerTagHistory(db, customerId);
}

/** The last changes of a customer's tags, newest first: what the panel's history shows. */
export async function customerTagHistory(db: Executor, customerId: number, limit = 50) {
  return db
    .select({
      tagId: customerTagEvents.tagId,
      tag: tags.name,
      action: customerTagEvents.action,
      source: customerTagEvents.source,
      ruleId: customerTagEvents.ruleId,
      userId: customerTagEvents.userId,
      at: customerTagEvents.at,
    })
    .from(customerTagEvents)
    .innerJoin(tags, eq(tags.id, customerTagEvents.tagId))
    .where(eq(customerTagEvents.customerId, customerId))
    .orderBy(desc(customerTagEvents.id))
    .limit(limit);
}

/** A merged customer's tags and their history go to the customer they merge into (inside the merge's transaction). */
export async function moveCustomerTags(tx: Transaction, fromCustomerId: number, toCustomerId: number): Promise<void> {
  await tx.execute(sql`
    insert into customer_tags (customer_id, tag_id, source, rule_id, user_id, created_at)
    select ${toCustomerId}, tag_id, source, rule_id, user_id, created_at from customer_tags where customer_id = ${fromCustomerId}
    on conflict do nothing`);
  await tx.execute(sql`delete from customer_tags where customer_id = ${fromCustomerId}`);
  await tx.execute(sql`update customer_tag_events set customer_id = ${toCustomerId} where customer_id = ${fromCustomerId}`);
}

import { asc, eq, sql } from 'drizzle-orm';
import { type AuditContext, recordAudit } from '../audit/audit-log.ts';
import type { Database } from '../db/connect.ts';
import { tagRules, tags } from '../db/schema.ts';
import type { Transaction } from '../db/transaction.ts';
import { RejectedRequestError } from '../errors.ts';
import type { TagRuleCondition } from './tag-rule-condition.ts';

/**
 * Tag rules (docs/marketing.md, "Rules"): created, changed and removed by marketers and admins,
 * each change audited. Creating a rule, or changing what it looks for, starts a backfill over the
 * history (src/audience/backfill-tag-rule.ts); the caller queues it after the commit.
 */
export interface TagRuleView {
  id: number;
  name: string;
  tagId: number;
  condition: TagRuleCondition;
  enabled: boolean;
  revision: number;
  backfill: { state: string; progress: number; tagged: number };
  createdAt: Date;
  updatedAt: Date;
}

export interface TagRuleInput {
  name: string;
  tagId: number;
  condition: TagRuleCondition;
  enabled?: boolean;
}

const columns = {
  id: tagRules.id,
  name: tagRules.name,
  tagId: tagRules.tagId,
  condition: tagRules.condition,
  enabled: tagRules.enabled,
  revision: tagRules.revision,
  backfillState: tagRules.backfillState,
  backfillCursor: tagRules.backfillCursor,
  backfillUntil: tagRules.backfillUntil,
  backfillTagged: tagRules.backfillTagged,
  createdAt: tagRules.createdAt,
  updatedAt: tagRules.updatedAt,
};

type Row = { [K in keyof typeof columns]: (typeof columns)[K]['_']['data'] };

function view(row: Row): TagRuleView {
  // Progress by message id: the backfill walks ids up to the newest when it started.
  const progress = row.backfillState === 'done' ? 1 : row.backfillUntil > 0 ? Math.min(1, row.backfillCursor / row.backfillUntil) : 0;
  return {
    id: row.id,
    name: row.name,
    tagId: row.tagId,
    condition: row.condition as TagRuleCondition,
    enabled: row.enabled,
    revision: row.revision,
    backfill: { state: row.backfillState, progress: Math.round(progress * 1000) / 1000, tagged: row.backfillTagged },
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export async function listTagRules(db: Database): Promise<TagRuleView[]> {
  return (await db.select(columns).from(tagRules).orderBy(asc(tagRules.id))).map(view);
}

export async function readTagRule(db: Database, id: number): Promise<TagRuleView> {
  const [row] = await db.select(columns).from(tagRules).where(eq(tagRules.id, id));
  if (!row) throw notFound(id);
  return view(row);
}

export async function createTagRule(db: Database, input: TagRuleInput, audit: AuditContext): Promise<TagRuleView> {
  return db.transaction(async (tx) => {
    await requireTag(tx, input.tagId);
    const [row] = await tx
      .insert(tagRules)
      .values({ ...input, condition: input.condition as Record<string, unknown>, createdBy: audit.actorId })
      .returning({ id: tagRules.id });
    await startBackfill(tx, row!.id);
    await recordAudit(tx, audit, { action: 'tag_rule.create', objectType: 'tag_rule', objectId: row!.id, details: { ...input } });
    const [created] = await tx.select(columns).from(tagRules).where(eq(tagRules.id, row!.id));
    return view(created!);
  });
}

/** Changes a rule; a new condition or tag raises its revision and backfills again (the tags it set stay). */
export async function changeTagRule(db: Database, id: number, change: Partial<TagRuleInput>, audit: AuditContext): Promise<TagRuleView> {
  return db.transaction(async (tx) => {
    const [before] = await tx.select(columns).from(tagRules).where(eq(tagRules.id, id)).for('update');
    if (!before) throw notFound(id);
    if (change.tagId !== undefined) await requireTag(tx, change.tagId);
    const rerun =
      change.condition !== undefined ||
      (change.tagId !== undefined && change.tagId !== before.tagId) ||
      (change.enabled && !before.enabled);
    await tx
      .update(tagRules)
      .set({
        ...change,
        ...(change.condition && { condition: change.condition as Record<string, unknown> }),
        ...(rerun && { revision: sql`${tagRules.revision} + 1` }),
        updatedAt: sql`now()`,
      })
      .where(eq(tagRules.id, id));
    if (rerun) await startBackfill(tx, id);
    await recordAudit(tx, audit, {
      action: 'tag_rule.update',
      objectType: 'tag_rule',
      objectId: id,
      details: { before: { name: before.name, tagId: before.tagId, condition: before.condition, enabled: before.enabled }, after: change },
    });
    const [changed] = await tx.select(columns).from(tagRules).where(eq(tagRules.id, id));
    return view(changed!);
  });
}

/** Removes a rule; the tags it put on customers stay (their history names the rule's id). */
export async function deleteTagRule(db: Database, id: number, audit: AuditContext): Promise<void> {
  await db.transaction(async (tx) => {
    const [rule] = await tx.delete(tagRules).where(eq(tagRules.id, id)).returning({ name: tagRules.name });
    if (!rule) throw notFound(id);
    await recordAudit(tx, audit, { action: 'tag_rule.delete', objectType: 'tag_rule', objectId: id, details: { name: rule.name } });
  });
}

/** Sets the rule's backfill to walk every customer message stored so far, from the first. */
async function startBackfill(tx: Transaction, id: number): Promise<void> {
  await tx.execute(sql`
    update tag_rules set backfill_state = case when enabled then 'running' else 'idle' end,
      backfill_revision = revision, backfill_cursor = 0, backfill_tagged = 0,
      backfill_until = coalesce((select max(id) from messages), 0)
    where id = ${id}`);
}

async function requireTag(tx: Transaction, tagId: number): Promise<void> {
  const [tag] = await tx.select({ id: tags.id }).from(tags).where(eq(tags.id, tagId)).for('share');
  if (!tag) throw new RejectedRequestError('not_found', `there is no tag ${tagId}`, 404);
}

const notFound = (id: number) => new RejectedRequestError('not_found', `there is no tag rule ${id}`, 404);

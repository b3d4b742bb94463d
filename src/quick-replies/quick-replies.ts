import { asc, eq, or, type SQLWrapper, sql } from 'drizzle-orm';
import { type AuditContext, recordAudit } from '../audit/audit-log.ts';
import type { Database } from '../db/connect.ts';
import { refuseDuplicate } from '../db/refused-value.ts';
import { quickReplies } from '../db/schema.ts';
import { RejectedRequestError } from '../errors.ts';

/** A quick reply as the API shows it. */
export interface QuickReply {
  id: number;
  title: string;
  text: string;
  shortcut: string | null;
  createdBy: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewQuickReply {
  title: string;
  text: string;
  shortcut?: string | null;
}

export type QuickReplyChange = Partial<NewQuickReply>;

/** More than a team keeps in practice; the reply box filters with `q` as the agent types. */
export const QUICK_REPLY_LIST_LIMIT = 200;

const columns = {
  id: quickReplies.id,
  title: quickReplies.title,
  text: quickReplies.text,
  shortcut: quickReplies.shortcut,
  createdBy: quickReplies.createdBy,
  createdAt: quickReplies.createdAt,
  updatedAt: quickReplies.updatedAt,
};

/**
 * The quick replies whose title, shortcut or text contains `q` (ignoring case), by shortcut then
 * title. A substring test rather than LIKE, so `%` and `_` typed by an agent match themselves.
 */
export async function listQuickReplies(db: Database, filter: { q?: string }): Promise<QuickReply[]> {
  const q = filter.q?.trim();
  const contains = (column: SQLWrapper) => sql`strpos(lower(${column}), lower(${q})) > 0`;
  return db
    .select(columns)
    .from(quickReplies)
    .where(
      q ? or(contains(quickReplies.title), contains(quickReplies.text), contains(sql`coalesce(${quickReplies.shortcut}, '')`)) : undefined,
    )
    .orderBy(sql`${quickReplies.shortcut} is null`, asc(quickReplies.shortcut), asc(quickReplies.title), asc(quickReplies.id))
    .limit(QUICK_REPLY_LIST_LIMIT);
}

/** Adds a quick reply and its audit entry in one transaction; a shortcut already used is a 409. */
export async function createQuickReply(db: Database, input: NewQuickReply, audit: AuditContext): Promise<QuickReply> {
  return refuseTakenShortcut(input.shortcut, () =>
    db.transaction(async (tx) => {
      const [created] = await tx
        .insert(quickReplies)
        .values({ title: input.title, text: input.text, shortcut: input.shortcut ?? null, createdBy: audit.actorId })
        .returning(columns);
      await recordAudit(tx, audit, {
        action: 'quick_reply.create',
        objectType: 'quick_reply',
        objectId: created!.id,
        details: { title: created!.title, shortcut: created!.shortcut },
      });
      return created!;
    }),
  );
}

/** Changes the fields given (`shortcut: null` removes it), audited with the names of what changed. */
export async function changeQuickReply(db: Database, id: number, change: QuickReplyChange, audit: AuditContext): Promise<QuickReply> {
  return refuseTakenShortcut(change.shortcut, () =>
    db.transaction(async (tx) => {
      const [changed] = await tx
        .update(quickReplies)
        .set({ ...change, updatedAt: sql`now()` })
        .where(eq(quickReplies.id, id))
        .returning(columns);
      if (!changed) throw notFound(id);
      await recordAudit(tx, audit, {
        action: 'quick_reply.update',
        objectType: 'quick_reply',
        objectId: id,
        details: { changed: Object.keys(change).sort(), title: changed.title, shortcut: changed.shortcut },
      });
      return changed;
    }),
  );
}

export async function deleteQuickReply(db: Database, id: number, audit: AuditContext): Promise<void> {
  await db.transaction(async (tx) => {
    const [deleted] = await tx
      .delete(quickReplies)
      .where(eq(quickReplies.id, id))
      .returning({ title: quickReplies.title, shortcut: quickReplies.shortcut });
    if (!deleted) throw notFound(id);
    await recordAudit(tx, audit, { action: 'quick_reply.delete', objectType: 'quick_reply', objectId: id, details: deleted });
  });
}

/** One quick reply, 404 when there is none. */
export async function readQuickReply(db: Database, id: number): Promise<QuickReply> {
  const [row] = await db.select(columns).from(quickReplies).where(eq(quickReplies.id, id));
  if (!row) throw notFound(id);
  return row;
}

function notFound(id: number): RejectedRequestError {
  return new RejectedRequestError('not_found', `there is no quick reply ${id}`, 404);
}

/** The unique index on lower(shortcut) decides, so two admins adding the same shortcut at once get one 409. */
function refuseTakenShortcut<T>(shortcut: string | null | undefined, write: () => Promise<T>): Promise<T> {
  if (!shortcut) return write();
  return refuseDuplicate(
    write,
    () => new RejectedRequestError('shortcut_taken', `another quick reply already uses the shortcut ${shortcut}`, 409),
  );
}

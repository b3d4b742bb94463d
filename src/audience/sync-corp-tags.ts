import { and, asc, eq, gt, inArray, isNull, notInArray, sql } from 'drizzle-orm';
import type { PlatformTag, PlatformTagLibrary } from '../channels/types.ts';
import { type Database, whileHoldingLock } from '../db/connect.ts';
import { customerTagEvents, customerTags, tagGroups, tagRules, tags, tagSyncs, wecomTagDeletions } from '../db/schema.ts';
import type { Executor } from '../db/transaction.ts';
import { RejectedRequestError } from '../errors.ts';

/**
 * Syncs the tag catalog with a platform's tag library (WeCom corp tags), both ways
 * (docs/marketing.md, "Sync with the platforms"). One run: our deletions, the import, then the push.
 *
 * - Import: every tag on the platform gets a tag here (linked by the platform's id; a tag of the same
 *   name in the same-named group is linked rather than doubled). Linked tags another app created are
 *   read-only here. A tag deleted on the platform is deleted here, unless a rule sets it.
 * - Push: our tags the platform lacks are created there (ours: we may edit them), our renames of our
 *   own tags are sent, and our deletions of them.
 * - Conflict: a tag renamed on both sides since the last sync takes the platform's name, because the
 *   import runs first and sees the platform's name differ from the one last synced (`wecom_name`).
 *
 * Resumable: the push walks tags by id and records the last one finished in tag_syncs.cursor, each
 * tag its own transaction; a run cut short (crash, platform outage) is retried by its job with
 * back-off and goes on from the cursor. The import is idempotent and simply runs again.
 */

const PUSH_BATCH = 50;

export const WECOM_TAG_SYNC = 'wecom';

export interface TagSyncView {
  target: string;
  state: string;
  imported: number;
  pushed: number;
  lastError: string | null;
  finishedAt: Date | null;
}

/** Marks a sync as asked for (the job does the work); a sync already running is not started twice. */
export async function requestTagSync(db: Executor, target: string): Promise<{ started: boolean }> {
  const rows = await db
    .insert(tagSyncs)
    .values({ target, state: 'running' })
    .onConflictDoUpdate({
      target: tagSyncs.target,
      set: { state: 'running', cursor: 0, pageCursor: null, imported: 0, pushed: 0, lastError: null, updatedAt: sql`now()` },
      setWhere: sql`${tagSyncs.state} <> 'running'`,
    })
    .returning({ target: tagSyncs.target });
  return { started: rows.length > 0 };
}

export async function readTagSync(db: Executor, target: string): Promise<TagSyncView> {
  const [row] = await db.select().from(tagSyncs).where(eq(tagSyncs.target, target));
  return row
    ? { target, state: row.state, imported: row.imported, pushed: row.pushed, lastError: row.lastError, finishedAt: row.finishedAt }
    : { target, state: 'idle', imported: 0, pushed: 0, lastError: null, finishedAt: null };
}

/** Syncs that were running when the process stopped: their jobs are queued again at start. */
export async function unfinishedTagSyncs(db: Executor): Promise<string[]> {
  const rows = await db.select({ target: tagSyncs.target }).from(tagSyncs).where(eq(tagSyncs.state, 'running'));
  return rows.map((r) => r.target);
}

/** Advisory lock: a job queued again at start (`resumed`) may meet the one still running. */
const SYNC_LOCK_KEY = 7_314_162;

/** One whole run (the job's body). A failure is recorded and rethrown so the job retries it. */
export async function syncCorpTags(db: Database, library: PlatformTagLibrary): Promise<TagSyncView> {
  return whileHoldingLock(db, SYNC_LOCK_KEY, () => runSync(db, library));
}

async function runSync(db: Database, library: PlatformTagLibrary): Promise<TagSyncView> {
  const target = WECOM_TAG_SYNC;
  return recordSyncRun(db, target, async () => {
    // Our deletions first: the import would otherwise bring those tags back.
    await pushDeletions(db, library);
    const imported = await importPlatformTags(db, await library.list());
    await db.update(tagSyncs).set({ imported, updatedAt: sql`now()` }).where(eq(tagSyncs.target, target));
    await pushTags(db, library, target);
  });
}

/**
 * Runs one whole run of a target, then marks it done with its cursors cleared. A failure is
 * recorded as its last error and rethrown, so its job retries (from the cursors it left).
 */
export async function recordSyncRun(db: Database, target: string, work: () => Promise<void>): Promise<TagSyncView> {
  try {
    await work();
    await db
      .update(tagSyncs)
      .set({ state: 'done', cursor: 0, pageCursor: null, lastError: null, finishedAt: sql`now()`, updatedAt: sql`now()` })
      .where(eq(tagSyncs.target, target));
  } catch (err) {
    await db
      .update(tagSyncs)
      .set({ lastError: (err as Error).message, updatedAt: sql`now()` })
      .where(eq(tagSyncs.target, target));
    throw err;
  }
  return readTagSync(db, target);
}

/** The job gave up after its last attempt: the sync is failed, with the error it last met. */
export async function failTagSync(db: Executor, target: string, message: string): Promise<void> {
  await db.update(tagSyncs).set({ state: 'failed', lastError: message, updatedAt: sql`now()` }).where(eq(tagSyncs.target, target));
}

/** Platform → here. Returns how many tags were created, renamed or deleted here. */
async function importPlatformTags(db: Database, platform: PlatformTag[]): Promise<number> {
  let changed = 0;
  for (const p of platform) if (await db.transaction((tx) => importTag(tx, p))) changed++;
  const ids = platform.map((p) => p.id);
  const gone = await db
    .select({ id: tags.id })
    .from(tags)
    .where(and(sql`${tags.wecomTagId} is not null`, ids.length > 0 ? notInArray(tags.wecomTagId, ids) : sql`true`));
  for (const { id } of gone) {
    await db.transaction((tx) => dropDeletedOnPlatform(tx, id));
    changed++;
  }
  return changed;
}

async function importTag(tx: Executor, p: PlatformTag): Promise<boolean> {
  const [linked] = await tx.select().from(tags).where(eq(tags.wecomTagId, p.id)).for('update');
  if (linked) {
    // Unchanged on the platform since the last sync: our name (renamed here or not) stands, and the push sends it.
    if (linked.wecomName === p.name) return false;
    await tx.update(tags).set({ name: p.name, wecomName: p.name, updatedAt: sql`now()` }).where(eq(tags.id, linked.id));
    return true;
  }
  const groupId = await linkedGroup(tx, p);
  const [sameName] = await tx
    .select({ id: tags.id })
    .from(tags)
    .where(and(eq(tags.groupId, groupId), sql`lower(${tags.name}) = lower(${p.name})`, isNull(tags.wecomTagId)));
  if (sameName) {
    // The platform's spelling wins ('vip' here becomes 'VIP'): one name on both sides from now on.
    await tx.update(tags).set({ name: p.name, wecomTagId: p.id, wecomName: p.name, wecomOwned: false }).where(eq(tags.id, sameName.id));
  } else {
    await tx.insert(tags).values({ groupId, name: p.name, wecomTagId: p.id, wecomName: p.name, wecomOwned: false });
  }
  return true;
}

/** The group linked to the platform's group, else the one of its name (linked now), else a new one. */
async function linkedGroup(tx: Executor, p: { groupId: string; groupName: string }): Promise<number> {
  const [linked] = await tx.select({ id: tagGroups.id }).from(tagGroups).where(eq(tagGroups.wecomGroupId, p.groupId));
  if (linked) return linked.id;
  const [named] = await tx
    .insert(tagGroups)
    .values({ name: p.groupName, wecomGroupId: p.groupId })
    .onConflictDoUpdate({ target: tagGroups.name, set: { wecomGroupId: p.groupId } })
    .returning({ id: tagGroups.id });
  return named!.id;
}

/** Deleted on the platform: deleted here with its customers' tags, or, when a rule sets it, kept and pushed again. */
async function dropDeletedOnPlatform(tx: Executor, tagId: number): Promise<void> {
  const [rule] = await tx.select({ id: tagRules.id }).from(tagRules).where(eq(tagRules.tagId, tagId)).limit(1);
  if (rule) {
    await tx.update(tags).set({ wecomTagId: null, wecomName: null, wecomOwned: false }).where(eq(tags.id, tagId));
    return;
  }
  await tx.delete(customerTags).where(eq(customerTags.tagId, tagId));
  await tx.delete(customerTagEvents).where(eq(customerTagEvents.tagId, tagId));
  await tx.delete(tags).where(eq(tags.id, tagId));
}

async function pushDeletions(db: Database, library: PlatformTagLibrary): Promise<void> {
  const pending = await db.select({ id: wecomTagDeletions.wecomTagId }).from(wecomTagDeletions);
  if (pending.length === 0) return;
  const ids = pending.map((p) => p.id);
  try {
    await library.remove(ids);
  } catch (err) {
    // Already gone there (or never ours to delete): nothing is left to do for these ids.
    if (!(err instanceof RejectedRequestError && err.code === 'tag_read_only')) throw err;
  }
  await db.delete(wecomTagDeletions).where(inArray(wecomTagDeletions.wecomTagId, ids));
}

/** Here → platform, from the cursor on. */
async function pushTags(db: Database, library: PlatformTagLibrary, target: string): Promise<void> {
  for (;;) {
    const [sync] = await db.select({ cursor: tagSyncs.cursor }).from(tagSyncs).where(eq(tagSyncs.target, target));
    const batch = await db
      .select({
        id: tags.id,
        name: tags.name,
        wecomTagId: tags.wecomTagId,
        wecomName: tags.wecomName,
        wecomOwned: tags.wecomOwned,
        group: tagGroups.name,
      })
      .from(tags)
      .innerJoin(tagGroups, eq(tagGroups.id, tags.groupId))
      .where(gt(tags.id, sync?.cursor ?? 0))
      .orderBy(asc(tags.id))
      .limit(PUSH_BATCH);
    if (batch.length === 0) return;
    for (const tag of batch) {
      let pushed = false;
      let link: Partial<typeof tags.$inferInsert> = {};
      if (tag.wecomTagId === null) {
        const made = await library.create(tag.group, tag.name);
        link = { wecomTagId: made.id, wecomName: made.name, wecomOwned: true };
        await db
          .update(tagGroups)
          .set({ wecomGroupId: made.groupId })
          .where(and(eq(tagGroups.name, tag.group), isNull(tagGroups.wecomGroupId)));
        pushed = true;
      } else if (tag.wecomOwned && tag.name !== tag.wecomName) {
        await library.rename(tag.wecomTagId, tag.name);
        link = { wecomName: tag.name };
        pushed = true;
      }
      await db.transaction(async (tx) => {
        if (pushed) await tx.update(tags).set(link).where(eq(tags.id, tag.id));
        await tx
          .update(tagSyncs)
          .set({ cursor: tag.id, ...(pushed && { pushed: sql`${tagSyncs.pushed} + 1` }), updatedAt: sql`now()` })
          .where(eq(tagSyncs.target, target));
      });
    }
  }
}

/**
 * The rule of 「应用仅能编辑和删除本应用创建的标签」 (https://developer.work.weixin.qq.com/document/path/92117)
 * here: a tag synced from WeCom that another app created cannot be renamed, moved or deleted, and no
 * synced tag can move to another group (edit_corp_tag has no group). Called by the catalog's edits.
 */
export function refuseReadOnlyTag(
  tag: { name: string; wecomTagId: string | null; wecomOwned: boolean },
  change: { rename?: boolean; move?: boolean; remove?: boolean },
): void {
  if (tag.wecomTagId === null) return;
  if (!tag.wecomOwned && (change.rename || change.remove || change.move))
    throw new RejectedRequestError(
      'tag_read_only',
      `the tag ${tag.name} comes from WeCom and another app created it: change it in WeCom`,
      409,
    );
  if (change.move)
    throw new RejectedRequestError('tag_read_only', `the tag ${tag.name} is synced with WeCom, where a tag cannot change groups`, 409);
}

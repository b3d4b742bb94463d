import { and, asc, desc, eq, gt, inArray, sql } from 'drizzle-orm';
import { type KbDocumentStatus, kbChunks, kbDocuments, knowledgeBases } from '../../db/knowledge-schema.ts';
import type { Executor } from '../../db/transaction.ts';
import { RejectedRequestError } from '../../errors.ts';

export interface KnowledgeDocument {
  id: number;
  kbName: string;
  name: string;
  source: string;
  version: number;
  status: KbDocumentStatus;
  format: string;
  chunkCount: number;
  contentHash: string;
  createdAt: Date;
  activatedAt: Date | null;
}

export const documentColumns = {
  id: kbDocuments.id,
  kbName: knowledgeBases.name,
  name: kbDocuments.name,
  source: kbDocuments.source,
  version: kbDocuments.version,
  status: kbDocuments.status,
  format: kbDocuments.format,
  // A version being imported counts its chunks only when activated: until then, those written so far (its progress).
  chunkCount: sql<number>`(case when ${kbDocuments.status} = 'importing' then (select count(*) from ${kbChunks} where ${kbChunks.documentId} = ${kbDocuments.id}) else ${kbDocuments.chunkCount} end)::int`,
  contentHash: kbDocuments.contentHash,
  createdAt: kbDocuments.createdAt,
  activatedAt: kbDocuments.activatedAt,
};

/** A stored chunk as the brain indexes it: the passage, or an FAQ entry's questions and answer. */
export interface ChunkPreview {
  id: number;
  position: number;
  text: string;
  questions: string[] | null;
  answer: string | null;
  metadata: Record<string, unknown>;
}

/** Replaced versions of a document whose chunks are kept to roll back to: the last ones served. */
export const KEPT_VERSIONS = 3;

/** Deletes the chunks of a document's replaced versions but the KEPT_VERSIONS served most recently. */
export async function dropOldVersionChunks(tx: Executor, kbId: number, name: string): Promise<void> {
  const replaced = await tx
    .select({ id: kbDocuments.id })
    .from(kbDocuments)
    .where(
      and(
        eq(kbDocuments.knowledgeBaseId, kbId),
        eq(kbDocuments.name, name),
        eq(kbDocuments.status, 'replaced'),
        gt(kbDocuments.chunkCount, 0),
      ),
    )
    // Most recently served first: a version rolled back to and then replaced again is one of the
    // last served, whatever its number.
    .orderBy(sql`${kbDocuments.activatedAt} desc nulls last`, desc(kbDocuments.version))
    .offset(KEPT_VERSIONS);
  if (replaced.length === 0) return;
  const ids = replaced.map((r) => r.id);
  await tx.delete(kbChunks).where(inArray(kbChunks.documentId, ids));
  await tx.update(kbDocuments).set({ chunkCount: 0 }).where(inArray(kbDocuments.id, ids));
}

const notFound = (what: string) => new RejectedRequestError('not_found', what, 404);

async function knowledgeBaseId(db: Executor, kbName: string): Promise<number | undefined> {
  return (await db.select({ id: knowledgeBases.id }).from(knowledgeBases).where(eq(knowledgeBases.name, kbName)))[0]?.id;
}

/** Every version of a document, newest first; `chunkCount` 0 on a replaced one means it can no longer be restored. */
export async function listDocumentVersions(db: Executor, kbName: string, name: string): Promise<KnowledgeDocument[]> {
  return db
    .select(documentColumns)
    .from(kbDocuments)
    .innerJoin(knowledgeBases, eq(knowledgeBases.id, kbDocuments.knowledgeBaseId))
    .where(and(eq(knowledgeBases.name, kbName), eq(kbDocuments.name, name)))
    .orderBy(desc(kbDocuments.version));
}

/** The chunks of one version (the served one without `version`), in document order. */
export async function documentChunks(db: Executor, kbName: string, name: string, version?: number): Promise<ChunkPreview[]> {
  const versions = await listDocumentVersions(db, kbName, name);
  const doc = versions.find((v) => (version === undefined ? v.status === 'active' : v.version === version));
  if (!doc) throw notFound(`no ${version === undefined ? 'served version' : `version ${version}`} of ${kbName}/${name}`);
  return db
    .select({
      id: kbChunks.id,
      position: kbChunks.position,
      text: kbChunks.text,
      questions: kbChunks.questions,
      answer: kbChunks.answer,
      metadata: kbChunks.metadata,
    })
    .from(kbChunks)
    .where(eq(kbChunks.documentId, doc.id))
    .orderBy(asc(kbChunks.position));
}

/**
 * Serves an earlier version of a document again: the served one becomes replaced (kept, so this
 * can be undone) and the earlier one active, in the caller's transaction. Only a replaced version
 * whose chunks are still kept (see KEPT_VERSIONS) can come back.
 */
export async function restoreDocumentVersion(tx: Executor, kbName: string, name: string, version: number): Promise<KnowledgeDocument> {
  const kbId = await knowledgeBaseId(tx, kbName);
  if (kbId === undefined) throw notFound(`there is no knowledge base ${kbName}`);
  const same = and(eq(kbDocuments.knowledgeBaseId, kbId), eq(kbDocuments.name, name));
  const [target] = await tx
    .select({ id: kbDocuments.id, status: kbDocuments.status, chunkCount: kbDocuments.chunkCount })
    .from(kbDocuments)
    .where(and(same, eq(kbDocuments.version, version)))
    .for('update');
  if (!target) throw notFound(`there is no version ${version} of ${kbName}/${name}`);
  if (target.status !== 'replaced' || target.chunkCount === 0) {
    throw new RejectedRequestError(
      'version_not_restorable',
      target.status === 'active'
        ? `version ${version} of ${name} is the one served`
        : `version ${version} of ${name} can no longer be restored: only the last few replaced versions keep their content`,
      409,
    );
  }
  await tx
    .update(kbDocuments)
    .set({ status: 'replaced' })
    .where(and(same, eq(kbDocuments.status, 'active')));
  await tx.update(kbDocuments).set({ status: 'active', activatedAt: new Date() }).where(eq(kbDocuments.id, target.id));
  await dropOldVersionChunks(tx, kbId, name);
  const restored = (await listDocumentVersions(tx, kbName, name)).find((v) => v.id === target.id)!;
  return restored;
}

/** Removes every version of a document; returns how many versions were removed. */
export async function removeDocumentVersions(db: Executor, kbName: string, name: string): Promise<number> {
  const kbId = await knowledgeBaseId(db, kbName);
  if (kbId === undefined) return 0;
  const removed = await db
    .delete(kbDocuments)
    .where(and(eq(kbDocuments.knowledgeBaseId, kbId), eq(kbDocuments.name, name)))
    .returning({ id: kbDocuments.id });
  return removed.length;
}

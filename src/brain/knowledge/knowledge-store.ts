import { and, asc, count, desc, eq, lt, ne, sql } from 'drizzle-orm';
import type { Executor, Transaction } from '../../db/transaction.ts';
import { kbChunks, kbDocuments, knowledgeBases } from '../../db/knowledge-schema.ts';
import type { IndexedChunk } from '../retrieval/types.ts';
import { documentColumns, dropOldVersionChunks, type KnowledgeDocument, removeDocumentVersions } from './document-versions.ts';
import type { ChunkDraft } from './parse-document.ts';

export interface KnowledgeBaseSummary {
  name: string;
  documents: number;
  chunks: number;
}

/** A chunk as stored, with its vector when the knowledge base was embedded. */
export interface StoredChunk extends IndexedChunk {
  embedding?: number[];
  embeddingModel?: string;
}

export interface NewVersion {
  kbName: string;
  name: string;
  source: string;
  contentHash: string;
  format: string;
}

const INSERT_BATCH = 500;

/**
 * Knowledge bases, their documents and chunks in the database. A document is versioned: a new
 * version is written while the old one keeps serving, then `activate` swaps them in one
 * transaction, so readers see either the old chunks or the new ones, never a mix or nothing.
 */
export class KnowledgeStore {
  /** `db` may be a caller's transaction: an activation then commits with the caller's own writes. */
  constructor(private readonly db: Executor) {}

  async ensureKnowledgeBase(name: string): Promise<number> {
    await this.db.insert(knowledgeBases).values({ name }).onConflictDoNothing();
    const [row] = await this.db.select({ id: knowledgeBases.id }).from(knowledgeBases).where(eq(knowledgeBases.name, name));
    return row!.id;
  }

  async findActive(kbName: string, name: string): Promise<KnowledgeDocument | undefined> {
    const [doc] = await this.documents(and(eq(knowledgeBases.name, kbName), eq(kbDocuments.name, name), eq(kbDocuments.status, 'active')));
    return doc;
  }

  /** Starts a new version of a document, in status `importing`: not served until activated. */
  async beginVersion(version: NewVersion): Promise<number> {
    const kbId = await this.ensureKnowledgeBase(version.kbName);
    const [latest] = await this.db
      .select({ version: kbDocuments.version })
      .from(kbDocuments)
      .where(and(eq(kbDocuments.knowledgeBaseId, kbId), eq(kbDocuments.name, version.name)))
      .orderBy(desc(kbDocuments.version))
      .limit(1);
    const [row] = await this.db
      .insert(kbDocuments)
      .values({
        knowledgeBaseId: kbId,
        name: version.name,
        source: version.source,
        contentHash: version.contentHash,
        format: version.format,
        version: (latest?.version ?? 0) + 1,
        status: 'importing',
      })
      .returning({ id: kbDocuments.id });
    return row!.id;
  }

  async addChunks(
    documentId: number,
    drafts: ReadonlyArray<ChunkDraft & { embedding?: number[] }>,
    embeddingModel?: string,
    firstPosition = 0,
  ): Promise<void> {
    for (let start = 0; start < drafts.length; start += INSERT_BATCH) {
      const batch = drafts.slice(start, start + INSERT_BATCH).map((d, i) => ({
        documentId,
        position: firstPosition + start + i,
        text: d.text,
        questions: d.questions ?? null,
        answer: d.answer ?? null,
        metadata: d.metadata,
        embedding: d.embedding ?? null,
        embeddingModel: d.embedding ? (embeddingModel ?? null) : null,
      }));
      await this.db.insert(kbChunks).values(batch);
    }
  }

  /**
   * Makes a fully written version the served one; the previous version is marked replaced. The
   * chunks of the last KEPT_VERSIONS replaced versions stay, so the console can roll back to them;
   * older ones are deleted (their document rows stay, as the record of what was imported).
   * `within` runs in the same transaction, with the version activated.
   */
  async activate(
    documentId: number,
    within?: (tx: Transaction, version: { name: string; version: number }) => Promise<void>,
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [doc] = await tx
        .select({ kbId: kbDocuments.knowledgeBaseId, name: kbDocuments.name, version: kbDocuments.version })
        .from(kbDocuments)
        .where(and(eq(kbDocuments.id, documentId), eq(kbDocuments.status, 'importing')))
        .for('update');
      if (!doc) throw new Error(`document version ${documentId} is not being imported (removed meanwhile?)`);
      await tx
        .update(kbDocuments)
        .set({ status: 'replaced' })
        .where(and(eq(kbDocuments.knowledgeBaseId, doc.kbId), eq(kbDocuments.name, doc.name), eq(kbDocuments.status, 'active')));
      // Versions an earlier, killed import left half-written: never served, now superseded.
      await tx
        .delete(kbDocuments)
        .where(
          and(
            eq(kbDocuments.knowledgeBaseId, doc.kbId),
            eq(kbDocuments.name, doc.name),
            eq(kbDocuments.status, 'importing'),
            lt(kbDocuments.version, doc.version),
          ),
        );
      await dropOldVersionChunks(tx, doc.kbId, doc.name);
      const [{ n }] = (await tx.select({ n: count() }).from(kbChunks).where(eq(kbChunks.documentId, documentId))) as [{ n: number }];
      await tx
        .update(kbDocuments)
        .set({ status: 'active', activatedAt: new Date(), chunkCount: Number(n) })
        .where(eq(kbDocuments.id, documentId));
      await within?.(tx, { name: doc.name, version: doc.version });
    });
  }

  /** Drops a version whose import failed; the active version, if any, keeps serving. */
  async abandon(documentId: number): Promise<void> {
    await this.db.delete(kbDocuments).where(and(eq(kbDocuments.id, documentId), eq(kbDocuments.status, 'importing')));
  }

  /** Documents that are served or being imported (replaced versions are history). */
  async listDocuments(kbName?: string): Promise<KnowledgeDocument[]> {
    const current = ne(kbDocuments.status, 'replaced');
    return this.documents(kbName === undefined ? current : and(current, eq(knowledgeBases.name, kbName)));
  }

  /** Whether a knowledge base of that name exists (`default` always answers, empty or not). */
  async hasKnowledgeBase(name: string): Promise<boolean> {
    if (name === 'default') return true;
    const [row] = await this.db.select({ id: knowledgeBases.id }).from(knowledgeBases).where(eq(knowledgeBases.name, name));
    return row !== undefined;
  }

  async listKnowledgeBases(): Promise<KnowledgeBaseSummary[]> {
    const rows = await this.db
      .select({
        name: knowledgeBases.name,
        documents: sql<number>`count(${kbDocuments.id}) filter (where ${kbDocuments.status} = 'active')`,
        chunks: sql<number>`coalesce(sum(${kbDocuments.chunkCount}) filter (where ${kbDocuments.status} = 'active'), 0)`,
      })
      .from(knowledgeBases)
      .leftJoin(kbDocuments, eq(kbDocuments.knowledgeBaseId, knowledgeBases.id))
      .groupBy(knowledgeBases.name)
      .orderBy(asc(knowledgeBases.name));
    return rows.map((r) => ({ name: r.name, documents: Number(r.documents), chunks: Number(r.chunks) }));
  }

  /** Removes every version of a document; returns how many versions were removed. */
  async removeDocument(kbName: string, name: string): Promise<number> {
    return removeDocumentVersions(this.db, kbName, name);
  }

  /** Removes a knowledge base with all its documents; false when there was none. */
  async removeKnowledgeBase(kbName: string): Promise<boolean> {
    return (await this.db.delete(knowledgeBases).where(eq(knowledgeBases.name, kbName)).returning({ id: knowledgeBases.id })).length > 0;
  }

  async countActiveChunks(kbName: string): Promise<number> {
    const [row] = await this.db
      .select({ n: count() })
      .from(kbChunks)
      .innerJoin(kbDocuments, eq(kbDocuments.id, kbChunks.documentId))
      .innerJoin(knowledgeBases, eq(knowledgeBases.id, kbDocuments.knowledgeBaseId))
      .where(and(eq(knowledgeBases.name, kbName), eq(kbDocuments.status, 'active')));
    return Number(row?.n ?? 0);
  }

  /** The served chunks of a knowledge base, as the index is built from them. */
  async loadActiveChunks(kbName: string): Promise<StoredChunk[]> {
    const rows = await this.db
      .select({
        id: kbChunks.id,
        documentName: kbDocuments.name,
        text: kbChunks.text,
        questions: kbChunks.questions,
        answer: kbChunks.answer,
        metadata: kbChunks.metadata,
        embedding: kbChunks.embedding,
        embeddingModel: kbChunks.embeddingModel,
      })
      .from(kbChunks)
      .innerJoin(kbDocuments, eq(kbDocuments.id, kbChunks.documentId))
      .innerJoin(knowledgeBases, eq(knowledgeBases.id, kbDocuments.knowledgeBaseId))
      .where(and(eq(knowledgeBases.name, kbName), eq(kbDocuments.status, 'active')))
      .orderBy(asc(kbChunks.documentId), asc(kbChunks.position));
    return rows.map((r) => ({
      id: String(r.id),
      kbName,
      documentId: r.documentName,
      text: r.text,
      ...(r.questions && { questions: r.questions }),
      ...(r.answer !== null && { answer: r.answer }),
      metadata: r.metadata,
      ...(r.embedding && { embedding: r.embedding }),
      ...(r.embeddingModel && { embeddingModel: r.embeddingModel }),
    }));
  }

  private async documents(where: ReturnType<typeof and>): Promise<KnowledgeDocument[]> {
    return this.db
      .select(documentColumns)
      .from(kbDocuments)
      .innerJoin(knowledgeBases, eq(knowledgeBases.id, kbDocuments.knowledgeBaseId))
      .where(where)
      .orderBy(asc(knowledgeBases.name), asc(kbDocuments.name), asc(kbDocuments.version));
  }
}

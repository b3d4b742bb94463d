import { and, eq, isNotNull } from 'drizzle-orm';
import { kbChunks, kbDocuments, knowledgeBases } from '../../db/knowledge-schema.ts';
import type { Executor } from '../../db/transaction.ts';
import { RejectedRequestError } from '../../errors.ts';

/** An FAQ entry as the console edits it: the standard question, its similar questions, the answer. */
export interface FaqEntry {
  question: string;
  similar: string[];
  answer: string;
}

/** An FAQ entry of a served document, with where it lives. */
export interface StoredFaqEntry extends FaqEntry {
  chunkId: number;
  document: string;
}

/**
 * How two questions are compared for "the same question": case, width of Latin letters, white
 * space and punctuation do not make a question different (「怎么退货？」 and 「怎么退货」 are one).
 */
export function sameQuestionKey(question: string): string {
  return question
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, '');
}

/** The FAQ entries of the served documents of a knowledge base, in document order. */
export async function listFaqEntries(db: Executor, kbName: string): Promise<StoredFaqEntry[]> {
  const rows = await db
    .select({ chunkId: kbChunks.id, document: kbDocuments.name, questions: kbChunks.questions, answer: kbChunks.answer })
    .from(kbChunks)
    .innerJoin(kbDocuments, eq(kbDocuments.id, kbChunks.documentId))
    .innerJoin(knowledgeBases, eq(knowledgeBases.id, kbDocuments.knowledgeBaseId))
    .where(and(eq(knowledgeBases.name, kbName), eq(kbDocuments.status, 'active'), isNotNull(kbChunks.questions)))
    .orderBy(kbDocuments.name, kbChunks.position);
  return rows.map((r) => ({
    chunkId: r.chunkId,
    document: r.document,
    question: r.questions![0] ?? '',
    similar: r.questions!.slice(1),
    answer: r.answer ?? '',
  }));
}

/**
 * Rewrites one FAQ entry of a served document in place, in the caller's transaction; answers the
 * entry as it was. Its vector (if any) is dropped with the old text: the entry is found lexically
 * until its document is imported again. The document's content hash is cleared so that importing
 * the original file again replaces the edit instead of being skipped as unchanged.
 */
export async function rewriteFaqEntry(tx: Executor, kbName: string, chunkId: number, entry: FaqEntry): Promise<StoredFaqEntry> {
  const [row] = await tx
    .select({ documentId: kbDocuments.id, document: kbDocuments.name, questions: kbChunks.questions, answer: kbChunks.answer })
    .from(kbChunks)
    .innerJoin(kbDocuments, eq(kbDocuments.id, kbChunks.documentId))
    .innerJoin(knowledgeBases, eq(knowledgeBases.id, kbDocuments.knowledgeBaseId))
    .where(and(eq(kbChunks.id, chunkId), eq(knowledgeBases.name, kbName), eq(kbDocuments.status, 'active')))
    .for('update');
  if (!row) throw new RejectedRequestError('not_found', `there is no served entry ${chunkId} in ${kbName}`, 404);
  if (!row.questions) throw new RejectedRequestError('not_faq_entry', `${chunkId} is a passage of ${row.document}, not an FAQ entry`, 409);
  const questions = [entry.question, ...entry.similar];
  await tx
    .update(kbChunks)
    .set({ text: `${entry.question}\n${entry.answer}`, questions, answer: entry.answer, embedding: null, embeddingModel: null })
    .where(eq(kbChunks.id, chunkId));
  await tx.update(kbDocuments).set({ contentHash: 'edited in the console' }).where(eq(kbDocuments.id, row.documentId));
  return { chunkId, document: row.document, question: row.questions[0] ?? '', similar: row.questions.slice(1), answer: row.answer ?? '' };
}

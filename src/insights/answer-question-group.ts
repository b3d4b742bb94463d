import { createHash } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { type AuditContext, recordAudit } from '../audit/audit-log.ts';
import { KnowledgeStore, type StoredChunk } from '../brain/knowledge/knowledge-store.ts';
import type { Database } from '../db/connect.ts';
import { messages, unansweredFixes } from '../db/schema.ts';
import { RejectedRequestError } from '../errors.ts';
import { applyChange, type FaqChange } from './question-lab.ts';

/** The document of a knowledge base that holds the FAQ entries made from 未知问题: a sheet like any other. */
export const UNANSWERED_FAQ_DOCUMENT = '未知问题.csv';

export interface AnswerGroupInput {
  kbName: string;
  /** The customer messages of the group (from GET /api/unanswered) this change answers. */
  questionIds: number[];
  change: FaqChange;
}

export interface AnsweredGroup {
  /** The standard question of the entry made or extended. */
  entryQuestion: string;
  document: string;
  version: number;
}

/**
 * Answers a group of 未知问题: a new FAQ entry (in UNANSWERED_FAQ_DOCUMENT), or similar questions
 * added to an existing entry — either way as a new version of the document, written through the
 * knowledge store like `npm run kb import`: written aside, then activated in ONE transaction with
 * the group's questions marked fixed and the audit entry. `announce` then tells every process
 * holding indexes (the kb-changed feed), so running workers answer with it at once.
 * Two people changing the same document at once: the later activation wins whole.
 */
export async function answerQuestionGroup(
  db: Database,
  input: AnswerGroupInput,
  audit: AuditContext,
  announce: (kbName: string) => Promise<void>,
): Promise<AnsweredGroup> {
  const store = new KnowledgeStore(db);
  const questions = await db
    .select({ id: messages.id })
    .from(messages)
    .where(and(inArray(messages.id, input.questionIds), eq(messages.direction, 'in')));
  if (questions.length !== new Set(input.questionIds).size) {
    throw new RejectedRequestError('not_found', 'some of the questions are not customer messages', 404);
  }
  const all = await store.loadActiveChunks(input.kbName);
  const { document, chunks, entryQuestion } = documentAfter(all, input);
  const contentHash = createHash('sha256')
    .update(JSON.stringify(chunks.map(({ text, questions, answer }) => [text, questions, answer])))
    .digest('hex');
  const versionId = await store.beginVersion({ kbName: input.kbName, name: document, source: 'console', contentHash, format: 'faq-csv' });
  try {
    const model = chunks.find((c) => c.embeddingModel)?.embeddingModel;
    await store.addChunks(
      versionId,
      chunks.map((c) => ({ text: c.text, questions: c.questions, answer: c.answer, metadata: c.metadata, embedding: c.embedding })),
      model,
    );
    await db.transaction(async (tx) => {
      await new KnowledgeStore(tx).activate(versionId);
      await tx
        .insert(unansweredFixes)
        .values(input.questionIds.map((questionId) => ({ questionId, entryQuestion, fixedBy: audit.actorId })))
        .onConflictDoNothing();
      await recordAudit(tx, audit, {
        action: input.change.kind === 'new_entry' ? 'unanswered.new_entry' : 'unanswered.similar_questions',
        objectType: 'knowledge_base',
        objectId: input.kbName,
        details: { document, entryQuestion, questions: input.questionIds.length },
      });
    });
  } catch (err) {
    await store.abandon(versionId).catch(() => {});
    throw err;
  }
  await announce(input.kbName);
  const active = await store.findActive(input.kbName, document);
  return { entryQuestion, document, version: active?.version ?? 0 };
}

/** The whole document the change lands in, as it will be stored, in order. */
function documentAfter(all: StoredChunk[], input: AnswerGroupInput): { document: string; chunks: StoredChunk[]; entryQuestion: string } {
  const { change, kbName } = input;
  if (change.kind === 'new_entry') {
    if (all.some((c) => c.questions?.[0] === change.question)) {
      throw new RejectedRequestError('duplicate_question', `an entry of ${kbName} already asks "${change.question}"`, 409);
    }
    const current = all.filter((c) => c.documentId === UNANSWERED_FAQ_DOCUMENT);
    const { chunks } = applyChange(current, kbName, change);
    return { document: UNANSWERED_FAQ_DOCUMENT, chunks, entryQuestion: change.question };
  }
  const entry = all.find((c) => c.id === change.entryId);
  if (!entry) throw new RejectedRequestError('not_found', `${kbName} has no entry ${change.entryId}`, 404);
  if (!entry.questions) throw new RejectedRequestError('not_an_faq_entry', 'similar questions belong to FAQ entries, not passages', 400);
  const { chunks } = applyChange(
    all.filter((c) => c.documentId === entry.documentId),
    kbName,
    change,
  );
  return { document: entry.documentId, chunks, entryQuestion: entry.questions[0]! };
}

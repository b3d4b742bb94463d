import { type AuditContext, recordAudit } from '../audit/audit-log.ts';
import { type FaqEntry, listFaqEntries, rewriteFaqEntry, sameQuestionKey, type StoredFaqEntry } from '../brain/knowledge/edit-faq-entry.ts';
import type { KnowledgeLookup } from '../brain/knowledge/look-up-knowledge.ts';
import { RejectedRequestError } from '../errors.ts';
import { announceChange, type KnowledgeAdminDeps } from './knowledge-changes.ts';

/** Another entry that asks one of the edited entry's questions. */
export interface FaqConflict {
  /** The edited entry's question (standard or similar) that conflicts. */
  question: string;
  chunkId: number;
  /** The other entry's standard question. */
  entryQuestion: string;
  /** Near-duplicates: the score the bot would answer `question` with the other entry. */
  score?: number;
}

export interface FaqCheck {
  /** The same question (ignoring case, spaces, punctuation) in another entry, or twice in this one. */
  duplicates: FaqConflict[];
  /** Questions the bot, as it is, answers with another entry: after saving, one of the two loses. */
  nearDuplicates: FaqConflict[];
}

/**
 * Checks an FAQ entry against the other entries of its knowledge base. Duplicates are found in the
 * database; near-duplicates by asking the brain itself (the offline brain's match above its
 * threshold), so "near" means what it means to customers, not a second similarity measure.
 */
export async function checkFaqEntry(
  deps: Pick<KnowledgeAdminDeps, 'db'> & { knowledge: KnowledgeLookup },
  kbName: string,
  entry: FaqEntry,
  chunkId?: number,
): Promise<FaqCheck> {
  const questions = [entry.question, ...entry.similar];
  const others = (await listFaqEntries(deps.db, kbName)).filter((e) => e.chunkId !== chunkId);
  const owners = new Map<string, StoredFaqEntry>();
  for (const other of others) for (const q of [other.question, ...other.similar]) owners.set(sameQuestionKey(q), other);
  const duplicates: FaqConflict[] = [];
  const seen = new Set<string>();
  for (const question of questions) {
    const key = sameQuestionKey(question);
    const owner = owners.get(key);
    if (owner) duplicates.push({ question, chunkId: owner.chunkId, entryQuestion: owner.question });
    else if (seen.has(key)) duplicates.push({ question, chunkId: chunkId ?? 0, entryQuestion: entry.question });
    seen.add(key);
  }
  const nearDuplicates: FaqConflict[] = [];
  for (const question of questions) {
    if (duplicates.some((d) => d.question === question)) continue;
    const hit = await deps.knowledge.answeringEntry(kbName, question);
    if (!hit || Number(hit.chunkId) === chunkId) continue;
    const other = others.find((o) => o.chunkId === Number(hit.chunkId));
    if (other)
      nearDuplicates.push({ question, chunkId: other.chunkId, entryQuestion: other.question, score: Math.round(hit.score * 1000) / 1000 });
  }
  return { duplicates, nearDuplicates };
}

/**
 * Saves an edited FAQ entry in place, refused (409) while it duplicates another entry's question;
 * near-duplicates do not stop it (the admin saw them) and are answered with the result. Audited
 * with the old and new questions, announced to the workers.
 */
export async function changeFaqEntry(
  deps: KnowledgeAdminDeps & { knowledge: KnowledgeLookup },
  target: { kbName: string; chunkId: number },
  entry: FaqEntry,
  audit: AuditContext,
): Promise<{ entry: StoredFaqEntry; check: FaqCheck }> {
  const check = await checkFaqEntry(deps, target.kbName, entry, target.chunkId);
  const [duplicate] = check.duplicates;
  if (duplicate) {
    throw new RejectedRequestError(
      'duplicate_question',
      `「${duplicate.question}」 is already a question of 「${duplicate.entryQuestion}」`,
      409,
    );
  }
  const saved = await deps.db.transaction(async (tx) => {
    const before = await rewriteFaqEntry(tx, target.kbName, target.chunkId, entry);
    await recordAudit(tx, audit, {
      action: 'kb.faq_edit',
      objectType: 'kb_chunk',
      objectId: target.chunkId,
      details: {
        knowledgeBase: target.kbName,
        document: before.document,
        question: { from: before.question, to: entry.question },
        similar: { from: before.similar, to: entry.similar },
        answerChanged: before.answer !== entry.answer,
      },
    });
    return { ...entry, chunkId: target.chunkId, document: before.document };
  });
  await announceChange(deps, target.kbName);
  return { entry: saved, check };
}

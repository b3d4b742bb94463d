import { join } from 'node:path';
import type { KnowledgeStore } from '../brain/knowledge/knowledge-store.ts';
import { buildLexicalIndex, createRetrievalContext, loadRetrievalSettings, type RetrievalContext } from '../brain/load-offline-brain.ts';
import type { AnalyzedText } from '../brain/retrieval/text-analyzer.ts';
import type { IndexedChunk } from '../brain/retrieval/types.ts';
import { SmallTalk } from '../brain/smalltalk/small-talk.ts';

/** A proposed change of one knowledge base: a new FAQ entry, or similar questions added to an entry. */
export type FaqChange =
  | { kind: 'new_entry'; question: string; similar: string[]; answer: string }
  | { kind: 'similar_questions'; entryId: string; similar: string[] };

export interface RetestedQuestion {
  question: string;
  /** The bot, with the change, answers it (its best match clears the threshold). */
  answered: boolean;
  /** …and with the entry the change makes or extends, not another one. */
  byChangedEntry: boolean;
  /** The best match's standard question (or passage start), if any. */
  match: string | null;
  score: number;
}

/** Where a proposed entry lives until saved: its id in the trial index only. */
export const PROPOSED_ENTRY_ID = 'proposed';

/**
 * What 未知问题 needs of the brain: its analyzer (to group questions as the bot reads them) and a
 * re-test of questions against a knowledge base with a change applied, before anything is saved.
 * Loaded on first use and kept (the analyzer and word prior, ~35 MB, seconds), like the console's
 * knowledge search (src/composition/knowledge-for-api.ts).
 */
export interface QuestionLab {
  analyzer(): Promise<(text: string) => AnalyzedText>;
  retest(kbName: string, questions: readonly string[], change: FaqChange): Promise<RetestedQuestion[]>;
}

/**
 * The re-test answers as the offline brain decides (OfflineBrain.match: greetings cut off, the
 * lexical index, the retrieval threshold), over the knowledge base as stored now plus the change —
 * a trial index built for this request and dropped after it. A model brain retrieves the same
 * way before it writes (its hybrid search adds vectors when EMBEDDING_MODEL is set, which a new
 * entry gets at its next import), so a question this says is answered reaches the right entry.
 */
export function createQuestionLab(deps: { store: KnowledgeStore; configDir: string }): QuestionLab {
  let loading: Promise<{ context: RetrievalContext; smallTalk: SmallTalk }> | undefined;
  const load = () =>
    (loading ??= (async () => {
      const settings = await loadRetrievalSettings(deps.configDir);
      const [context, smallTalk] = await Promise.all([
        createRetrievalContext(deps.configDir, settings),
        SmallTalk.load(join(deps.configDir, 'smalltalk.json')),
      ]);
      return { context, smallTalk };
    })().catch((err) => {
      loading = undefined;
      throw err;
    }));

  return {
    async analyzer() {
      const { context } = await load();
      return (text) => context.analyzer.analyze(text);
    },
    async retest(kbName, questions, change) {
      const { context, smallTalk } = await load();
      const stored = await deps.store.loadActiveChunks(kbName);
      const chunks: IndexedChunk[] = stored.map(({ embedding: _e, embeddingModel: _m, ...chunk }) => chunk);
      const changed = applyChange(chunks, kbName, change);
      const index = buildLexicalIndex(changed.chunks, context);
      const threshold = context.settings.threshold;
      return questions.map((question) => {
        const asked = smallTalk.classify(question).question || question;
        const best = index.search(asked, 1)[0];
        const answered = best !== undefined && best.score >= threshold;
        return {
          question,
          answered,
          byChangedEntry: answered && best.chunkId === changed.entryId,
          match: best ? (best.chunk.questions?.[0] ?? best.chunk.text.slice(0, 60)) : null,
          score: Math.round((best?.score ?? 0) * 1000) / 1000,
        };
      });
    },
  };
}

/** The chunks with the change applied, and the id of the entry it makes or extends. */
export function applyChange(chunks: IndexedChunk[], kbName: string, change: FaqChange): { chunks: IndexedChunk[]; entryId: string } {
  if (change.kind === 'new_entry') {
    const entry = faqEntry(PROPOSED_ENTRY_ID, kbName, change.question, change.similar, change.answer);
    return { chunks: [...chunks, entry], entryId: PROPOSED_ENTRY_ID };
  }
  const target = chunks.find((c) => c.id === change.entryId);
  if (!target?.questions) return { chunks, entryId: change.entryId };
  const questions = [...new Set([...target.questions, ...change.similar])];
  return { chunks: chunks.map((c) => (c === target ? { ...c, questions } : c)), entryId: change.entryId };
}

/** An FAQ entry as the sheet importer makes one (src/brain/knowledge/faq-csv.ts): text is question and answer. */
export function faqEntry(id: string, kbName: string, question: string, similar: string[], answer: string): IndexedChunk {
  return {
    id,
    kbName,
    documentId: '',
    text: `${question}\n${answer}`,
    questions: [question, ...similar.filter((s) => s !== question)],
    answer,
    metadata: {},
  };
}

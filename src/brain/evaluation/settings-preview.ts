import { join } from 'node:path';
import { HandoffPolicy } from '../handoff/handoff-policy.ts';
import { type HandoffRules, loadHandoffRules } from '../handoff/handoff-rules.ts';
import {
  buildLexicalIndex,
  createRetrievalContext,
  loadQuestionEntities,
  loadRetrievalSettings,
  type RetrievalContext,
  withCompanyVocabulary,
} from '../load-offline-brain.ts';
import { OfflineBrain } from '../offline-brain.ts';
import type { QuestionEntities } from '../question-entities.ts';
import type { CompanyVocabulary } from '../retrieval/company-vocabulary.ts';
import type { IndexedChunk, Retriever } from '../retrieval/types.ts';
import { type CompanySmallTalk, withCompanySmallTalk } from '../smalltalk/company-small-talk.ts';
import { loadSmallTalkConfig, SmallTalk, type SmallTalkConfig } from '../smalltalk/small-talk.ts';
import type { BrainDecision } from '../types.ts';

/** The settings a trial brain reads text with: the company's vocabulary and small talk. */
export interface TrialSettings {
  vocabulary: CompanyVocabulary;
  smallTalk: CompanySmallTalk;
}

/** What a brain did with a message, in the words the preview compares. */
export interface PreviewOutcome {
  decision: 'answer' | 'ask' | 'clarify' | 'decline' | 'handoff' | 'smalltalk';
  /** The entry (or passage) answered with. */
  entryId?: string;
  /** The entry's question, the passage's start, the questions asked back, the small-talk kind or the handoff reason. */
  label?: string;
}

export interface ChangedQuestion {
  /** `similar`: an FAQ entry's similar question; `recent`: a customer's message from the conversation history. */
  source: 'similar' | 'recent';
  knowledgeBase: string;
  text: string;
  before: PreviewOutcome;
  after: PreviewOutcome;
  /** For similar questions: the entry it is a similar question of. */
  ownEntry?: string;
}

export interface SettingsPreview {
  similar: { asked: number; hitBefore: number; hitAfter: number; folds: number };
  recent: { asked: number; answeredBefore: number; answeredAfter: number; changed: number };
  changed: ChangedQuestion[];
  ms: number;
}

/** What every preview reuses: the retrieval context (its word prior is ~35 MB), rules and config. */
export interface PreviewParts {
  context: RetrievalContext;
  rules: HandoffRules;
  smallTalk: SmallTalkConfig;
  entities: QuestionEntities;
}

export async function loadPreviewParts(configDir: string, vocabularyDir?: string): Promise<PreviewParts> {
  const settings = await loadRetrievalSettings(configDir);
  const [context, rules, smallTalk] = await Promise.all([
    createRetrievalContext(configDir, settings, vocabularyDir),
    loadHandoffRules(join(configDir, 'handoff.json')),
    loadSmallTalkConfig(join(configDir, 'smalltalk.json')),
  ]);
  return { context, rules, smallTalk, entities: await loadQuestionEntities(configDir, context) };
}

/**
 * The similar questions are asked with themselves withheld from the index: a question that is a
 * key of its own entry finds it by its own words whatever the vocabulary says, so asked as they
 * stand every one would be a hit before and after. Each of FOLDS indexes leaves out one share of
 * them (every FOLDS-th), and that share is asked of it: what a customer who words the question that
 * way gets, with the entry's other wordings in place.
 */
export const FOLDS = 2;

const newCustomer = (knowledgeBase: string) => ({ conversationId: 0, customer: { id: 0, tags: [] }, knowledgeBase, history: [] });
/** Lets the API process answer other requests between the CPU-bound steps of a preview. */
const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A change of the company's vocabulary or small talk, tried before it is saved on the company's
 * own questions: (1) every FAQ entry's similar questions, each of which should find its own entry
 * (hit@1: answered with it), and (2) recent customer messages, whose answer or decision may change.
 * Both brains, the settings in force and the proposed ones, are offline brains built here over the
 * same chunks (the model brain retrieves with the same lexical index), and dropped after it.
 */
export async function previewSettings(
  parts: PreviewParts,
  input: {
    before: TrialSettings;
    after: TrialSettings;
    /** Each knowledge base's chunks, as stored now. */
    knowledge: ReadonlyMap<string, readonly IndexedChunk[]>;
    similar: ReadonlyArray<{ knowledgeBase: string; entryId: string; text: string }>;
    recent: ReadonlyArray<{ knowledgeBase: string; text: string }>;
  },
): Promise<SettingsPreview> {
  const started = Date.now();
  const [before, after] = await Promise.all([trialBrains(parts, input.before), trialBrains(parts, input.after)]);
  const changed: ChangedQuestion[] = [];
  const similar = { asked: input.similar.length, hitBefore: 0, hitAfter: 0, folds: FOLDS };
  for (let fold = 0; fold < FOLDS; fold++) {
    const asked = input.similar.filter((_, i) => i % FOLDS === fold);
    if (asked.length === 0) continue;
    const withheld = withhold(input.knowledge, asked);
    const brains = [await before.over(withheld), await after.over(withheld)] as const;
    for (const question of asked) {
      const [was, is] = await Promise.all(brains.map((brain) => outcomeOf(brain, question.knowledgeBase, question.text)));
      if (was!.decision === 'answer' && was!.entryId === question.entryId) similar.hitBefore++;
      if (is!.decision === 'answer' && is!.entryId === question.entryId) similar.hitAfter++;
      if (!sameOutcome(was!, is!))
        changed.push({
          source: 'similar',
          knowledgeBase: question.knowledgeBase,
          text: question.text,
          before: was!,
          after: is!,
          ownEntry: question.entryId,
        });
    }
  }
  const recentBases = new Map([...new Set(input.recent.map((q) => q.knowledgeBase))].map((kb) => [kb, input.knowledge.get(kb) ?? []]));
  const full = [await before.over(recentBases), await after.over(recentBases)] as const;
  const recent = { asked: input.recent.length, answeredBefore: 0, answeredAfter: 0, changed: 0 };
  for (const [i, question] of input.recent.entries()) {
    if (i % 50 === 49) await yieldToOthers();
    const [was, is] = await Promise.all(full.map((brain) => outcomeOf(brain, question.knowledgeBase, question.text)));
    if (was!.decision === 'answer') recent.answeredBefore++;
    if (is!.decision === 'answer') recent.answeredAfter++;
    if (sameOutcome(was!, is!)) continue;
    recent.changed++;
    changed.push({ source: 'recent', knowledgeBase: question.knowledgeBase, text: question.text, before: was!, after: is! });
  }
  return { similar, recent, changed, ms: Date.now() - started };
}

/** The brains of one set of settings: an analyzer, and an offline brain over any chunks. */
async function trialBrains(parts: PreviewParts, settings: TrialSettings) {
  const context = await withCompanyVocabulary(parts.context, settings.vocabulary);
  const entities = parts.entities.withAnalyzer(context.analyzer);
  const smallTalk = new SmallTalk(withCompanySmallTalk(parts.smallTalk, settings.smallTalk));
  const handoff = new HandoffPolicy(parts.rules);
  return {
    async over(knowledge: ReadonlyMap<string, readonly IndexedChunk[]>): Promise<OfflineBrain> {
      const retrievers = new Map<string, Retriever>();
      for (const [kbName, chunks] of knowledge) {
        await yieldToOthers();
        retrievers.set(kbName, chunks.length > 0 ? buildLexicalIndex(chunks, context) : { search: () => [] });
      }
      return new OfflineBrain({
        retrievers,
        threshold: context.settings.threshold,
        clarify: parts.rules.clarify,
        handoff,
        smallTalk,
        entities,
      });
    },
  };
}

/** The knowledge bases of `asked` with those similar questions taken out of their entries. */
function withhold(
  knowledge: ReadonlyMap<string, readonly IndexedChunk[]>,
  asked: ReadonlyArray<{ knowledgeBase: string; entryId: string; text: string }>,
): Map<string, IndexedChunk[]> {
  const result = new Map<string, IndexedChunk[]>();
  for (const kbName of new Set(asked.map((q) => q.knowledgeBase))) {
    const out = new Map<string, Set<string>>();
    for (const q of asked) if (q.knowledgeBase === kbName) out.set(q.entryId, (out.get(q.entryId) ?? new Set()).add(q.text));
    const chunks = (knowledge.get(kbName) ?? []).map((chunk) => {
      const gone = out.get(chunk.id);
      // The standard question (the first) stays: it is the entry's text too.
      return gone && chunk.questions ? { ...chunk, questions: chunk.questions.filter((q, i) => i === 0 || !gone.has(q)) } : chunk;
    });
    result.set(kbName, chunks);
  }
  return result;
}

async function outcomeOf(brain: OfflineBrain, knowledgeBase: string, text: string): Promise<PreviewOutcome> {
  return describeOutcome(await brain.answer(newCustomer(knowledgeBase), [{ kind: 'text', text, at: new Date() }]));
}

/** A decision as the preview shows it (see OfflineBrain.answer for the meta it writes). */
export function describeOutcome(decision: BrainDecision): PreviewOutcome {
  if (decision.kind === 'handoff') return { decision: 'handoff', label: decision.reason };
  const meta = decision.meta;
  if (typeof meta.smallTalk === 'string') return { decision: 'smalltalk', label: meta.smallTalk };
  const offered = Array.isArray(meta.offered) ? (meta.offered as Array<{ question?: string }>).map((o) => o.question ?? '') : [];
  if (meta.decision === 'ask') return { decision: 'ask', label: offered.join(' / ') };
  if (meta.decision === 'clarify')
    return offered.length > 0 ? { decision: 'clarify', label: offered.join(' / ') } : { decision: 'decline' };
  const entryId = typeof meta.entryId === 'string' ? meta.entryId : undefined;
  const label = typeof meta.question === 'string' ? meta.question : decision.text.slice(0, 40);
  return { decision: 'answer', ...(entryId !== undefined && { entryId }), label };
}

function sameOutcome(a: PreviewOutcome, b: PreviewOutcome): boolean {
  return a.decision === b.decision && a.entryId === b.entryId && a.label === b.label;
}

import type { KnowledgeIndexes } from './knowledge-indexes.ts';
import type { SmallTalk } from '../smalltalk/small-talk.ts';
import type { SearchHit } from '../retrieval/types.ts';
import type { Brain, BrainDecision } from '../types.ts';

/** One candidate of a trial, with its score in each retrieval channel that found it. */
export interface TrialCandidate {
  chunkId: string;
  document: string;
  question: string | null;
  text: string;
  matchedText: string;
  /** Lexical: about 1 when the key says all the question says. Dense: cosine. Fused: RRF, orders only. */
  scores: { lexical?: number; dense?: number; fused: number };
}

export type TrialVerdict = 'answer' | 'clarify' | 'decline' | 'handoff';

export interface Trial {
  /** The question as searched: the message without greetings and thanks. */
  question: string;
  candidates: TrialCandidate[];
  decision: { verdict: TrialVerdict; text: string; reason?: string; meta: Record<string, unknown> };
  /** What the answer cites (`sources` of the decision's meta). */
  citations: Array<{ chunkId: string; documentId?: string }>;
  /** The messages the model was given; absent when no model took part. */
  prompt?: Array<{ role: string; content: string }>;
}

export interface TrialDeps {
  /** The brain that answers customers (the model brain when one is configured). */
  brain: Brain;
  indexes: KnowledgeIndexes;
  smallTalk: SmallTalk;
}

const CANDIDATES = 5;

/**
 * A question asked as a customer's first message to a knowledge base, answered by the customers'
 * own brain, with what retrieval found channel by channel. Nothing is stored: the trial has no
 * conversation (no history, no customer tags), so the decision is what a new customer would get.
 */
export async function tryQuestion(deps: TrialDeps, kbName: string, text: string): Promise<Trial> {
  const question = deps.smallTalk.classify(text).question || text;
  let prompt: Trial['prompt'];
  const [channels, decision] = await Promise.all([
    deps.indexes.explain(kbName, question, CANDIDATES),
    deps.brain.answer(
      { conversationId: 0, customer: { id: 0, tags: [] }, knowledgeBase: kbName, history: [] },
      [{ kind: 'text', text, at: new Date() }],
      { onPrompt: (messages) => (prompt = messages) },
    ),
  ]);
  const scoreOf = (hits: SearchHit[] | undefined, chunkId: string) => hits?.find((h) => h.chunkId === chunkId)?.score;
  const candidates = channels.fused.map((hit) => ({
    chunkId: hit.chunkId,
    document: hit.chunk.documentId,
    question: hit.chunk.questions?.[0] ?? null,
    text: hit.chunk.answer ?? hit.chunk.text,
    matchedText: hit.matchedText,
    scores: {
      ...optional('lexical', scoreOf(channels.lexical, hit.chunkId)),
      ...optional('dense', scoreOf(channels.dense, hit.chunkId)),
      fused: round(hit.score),
    },
  }));
  const sources = Array.isArray(decision.meta.sources) ? (decision.meta.sources as Trial['citations']) : [];
  return {
    question,
    candidates,
    decision: describe(decision),
    citations: sources.map((s) => ({ chunkId: s.chunkId, ...(s.documentId !== undefined && { documentId: s.documentId }) })),
    ...(prompt && { prompt }),
  };
}

function optional(name: 'lexical' | 'dense', score: number | undefined): Partial<Record<typeof name, number>> {
  return score === undefined ? {} : { [name]: round(score) };
}

/** The decision in the four words the console shows: a clarify reply with nothing close to offer declines. */
function describe(decision: BrainDecision): Trial['decision'] {
  if (decision.kind === 'handoff') return { verdict: 'handoff', text: decision.text, reason: decision.reason, meta: decision.meta };
  if (decision.meta.decision !== 'clarify') return { verdict: 'answer', text: decision.text, meta: decision.meta };
  const offered = decision.meta.offered;
  const verdict = Array.isArray(offered) && offered.length > 0 ? 'clarify' : 'decline';
  return { verdict, text: decision.text, meta: decision.meta };
}

function round(score: number): number {
  return Math.round(score * 1000) / 1000;
}

import type { HandoffPolicy } from './handoff/handoff-policy.ts';
import type { Retriever, SearchHit } from './retrieval/types.ts';
import type { SmallTalk } from './smalltalk/small-talk.ts';
import type { Brain, BrainDecision, ConversationContext, CustomerMessage } from './types.ts';

export interface OfflineBrainOptions {
  /** One retriever per knowledge base name (conversation.knowledgeBase picks one). */
  retrievers: ReadonlyMap<string, Retriever>;
  /** Minimum score of the best match to answer with it; tuned on the eval set (npm run eval). */
  threshold: number;
  /** Told to the customer when nothing in the knowledge base answers the question. */
  fallbackText: string;
  handoff: HandoffPolicy;
  smallTalk: SmallTalk;
  /** How many hits to keep as sources in the reply's meta. */
  sources?: number;
}

/** The outcome of looking a question up, before deciding what to say. */
export interface KnowledgeMatch {
  /** The question searched: the message without greetings and thanks. */
  question: string;
  hits: SearchHit[];
  /** The best hit if it clears the threshold. */
  answer?: SearchHit;
}

/**
 * The brain without a language model: greetings and thanks get a canned reply, a question gets
 * the answer of the best knowledge-base match above the threshold, and everything else goes to
 * a person. It never makes text up, so it is safe to run with no model configured.
 */
export class OfflineBrain implements Brain {
  private readonly sources: number;

  constructor(private readonly options: OfflineBrainOptions) {
    this.sources = options.sources ?? 3;
  }

  async answer(conversation: ConversationContext, newMessages: CustomerMessage[]): Promise<BrainDecision> {
    const text = newMessages
      .map((m) => m.text.trim())
      .filter(Boolean)
      .join('\n');
    if (text === '') return this.noAnswer({ emptyMessage: true });

    const flag = this.options.handoff.check({
      text,
      customerTags: conversation.customer.tags,
      agentHasReplied: conversation.history.some((turn) => turn.from === 'agent'),
    });
    if (flag) return { kind: 'handoff', reason: flag.reason, text: flag.text, meta: flag.detail };

    const smallTalk = this.options.smallTalk.classify(text);
    if (smallTalk.kind) return { kind: 'reply', text: smallTalk.reply!, meta: { smallTalk: smallTalk.kind } };

    const match = this.match(conversation.knowledgeBase, text);
    if (match.answer) return this.reply(match.answer, match.hits);

    const best = match.hits[0];
    const lookup = { knowledgeBase: conversation.knowledgeBase, score: best?.score ?? 0, nearest: best?.chunk.questions?.[0] };
    const low = this.options.handoff.checkLowConfidence(1 + this.earlierLowConfidenceTurns(conversation));
    if (low) return { kind: 'handoff', reason: low.reason, text: low.text, meta: { ...low.detail, ...lookup } };
    return this.noAnswer(lookup);
  }

  /** Looks a message up in a knowledge base; also what `npm run eval` measures. */
  match(knowledgeBase: string, message: string, limit = this.sources): KnowledgeMatch {
    const question = this.options.smallTalk.classify(message).question;
    const retriever = this.options.retrievers.get(knowledgeBase);
    if (!retriever || question === '') return { question, hits: [] };
    const hits = retriever.search(question, Math.max(limit, 1));
    const best = hits[0];
    return { question, hits, ...(best && best.score >= this.options.threshold && { answer: best }) };
  }

  /**
   * Consecutive earlier customer turns, newest first, that the knowledge base could not answer.
   * Turns carry no meta in the brain contract, so they are looked up again: cheap (well under a
   * millisecond each) and always consistent with the current knowledge base and threshold.
   */
  private earlierLowConfidenceTurns(conversation: ConversationContext): number {
    let streak = 0;
    for (let i = conversation.history.length - 1; i >= 0; i--) {
      const turn = conversation.history[i]!;
      if (turn.from === 'agent') break;
      if (turn.from !== 'customer') continue;
      const match = this.match(conversation.knowledgeBase, turn.text);
      if (match.question === '') continue; // small talk neither breaks nor extends a streak
      if (match.answer) break;
      streak++;
    }
    return streak;
  }

  private reply(best: SearchHit, hits: SearchHit[]): BrainDecision {
    return {
      kind: 'reply',
      text: best.chunk.answer ?? best.chunk.text,
      meta: {
        entryId: best.chunkId,
        question: best.chunk.questions?.[0],
        matchedText: best.matchedText,
        score: round(best.score),
        sources: hits.slice(0, this.sources).map((hit) => ({
          chunkId: hit.chunkId,
          kbName: hit.chunk.kbName,
          documentId: hit.chunk.documentId,
          score: round(hit.score),
        })),
      },
    };
  }

  private noAnswer(meta: Record<string, unknown>): BrainDecision {
    return { kind: 'handoff', reason: 'no_answer', text: this.options.fallbackText, meta };
  }
}

function round(score: number): number {
  return Math.round(score * 1000) / 1000;
}

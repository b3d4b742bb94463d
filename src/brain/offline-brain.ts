import { chosenEntry, offerClarification, pendingOffer, unansweredStreak } from './clarify-offer.ts';
import type { HandoffPolicy } from './handoff/handoff-policy.ts';
import type { ClarifyRules } from './handoff/handoff-rules.ts';
import type { Retriever, SearchHit } from './retrieval/types.ts';
import type { SmallTalk } from './smalltalk/small-talk.ts';
import type { Brain, BrainDecision, ConversationContext, CustomerMessage } from './types.ts';

export interface OfflineBrainOptions {
  /** One retriever per knowledge base name (conversation.knowledgeBase picks one). */
  retrievers: ReadonlyMap<string, Retriever>;
  /** Minimum score of the best match to answer with it; tuned on the eval set (npm run eval). */
  threshold: number;
  /** What the bot says when nothing in the knowledge base answers the question (handoff.json `clarify`). */
  clarify: ClarifyRules;
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
 * the answer of the best knowledge-base match above the threshold, and anything else a clarify
 * reply (close questions and the option of a person) until the handoff rules say a person must
 * take over. It never makes text up, so it is safe to run with no model configured.
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
    if (text === '') return this.decline(conversation, [], { emptyMessage: true });

    const flag = this.options.handoff.check({
      text,
      customerTags: conversation.customer.tags,
      agentHasReplied: conversation.history.some((turn) => turn.from === 'agent'),
    });
    if (flag) return { kind: 'handoff', reason: flag.reason, text: flag.text, meta: flag.detail };

    const chosen = this.chosenOffer(conversation, text);
    if (chosen) return { ...chosen, meta: { ...chosen.meta, chosenFromOffer: true } };

    const smallTalk = this.options.smallTalk.classify(text);
    if (smallTalk.kind) return { kind: 'reply', text: smallTalk.reply!, meta: { smallTalk: smallTalk.kind } };

    const match = this.match(conversation.knowledgeBase, text);
    if (match.answer) return this.reply(match.answer, match.hits);
    return this.decline(conversation, match.hits);
  }

  /**
   * The bot cannot answer this turn: it says so and offers close questions and a person — or,
   * when this is the `lowConfidence.consecutive`-th such turn in a row, hands off. The model
   * brain declines through here too, so both count the same streak and word it the same way.
   */
  decline(conversation: ConversationContext, hits: readonly SearchHit[], meta: Record<string, unknown> = {}): BrainDecision {
    const best = hits[0];
    const lookup = {
      ...meta,
      knowledgeBase: conversation.knowledgeBase,
      score: round(best?.score ?? 0),
      nearest: best?.chunk.questions?.[0],
    };
    const low = this.options.handoff.checkLowConfidence(1 + unansweredStreak(conversation.history));
    if (low) return { kind: 'handoff', reason: low.reason, text: low.text, meta: { ...low.detail, ...lookup } };
    const { text, offered } = offerClarification(this.options.clarify, hits);
    return { kind: 'reply', text, meta: { decision: 'clarify', offered, ...lookup } };
  }

  /** The entry the customer picked from the bot's last offer, answered; undefined if they did not pick one. */
  private chosenOffer(conversation: ConversationContext, text: string): BrainDecision | undefined {
    const entry = chosenEntry(text, pendingOffer(conversation.history));
    const retriever = this.options.retrievers.get(conversation.knowledgeBase);
    if (!entry || !retriever) return undefined;
    // Found again by its own question: any retriever can, and an entry removed since is not answered.
    const hit = retriever.search(entry.question, this.sources).find((h) => h.chunkId === entry.entryId);
    return hit && this.reply(hit, [hit]);
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

  private reply(best: SearchHit, hits: readonly SearchHit[]): BrainDecision {
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
}

function round(score: number): number {
  return Math.round(score * 1000) / 1000;
}

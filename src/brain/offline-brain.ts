import { type AnswerDecision, type Candidate, type DecisionRules, decideAnswer } from './answer-decision.ts';
import { askWhichMeant, chosenEntry, type OfferedEntry, offerClarification, pendingOffer, unansweredStreak } from './clarify-offer.ts';
import { answeringSentences } from './knowledge/answering-sentences.ts';
import type { HandoffPolicy } from './handoff/handoff-policy.ts';
import type { ClarifyRules } from './handoff/handoff-rules.ts';
import type { EntryCoverage, QuestionEntities } from './question-entities.ts';
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
  /** What a question names, and which entries mention it (「茶壶多少钱」 is not 「运费多少钱」). */
  entities: QuestionEntities;
  /** How many hits to keep as sources in the reply's meta. */
  sources?: number;
}

/** A hit with how far its entry covers the question (see QuestionEntities). */
export interface MatchCandidate extends SearchHit, Candidate {
  coverage: EntryCoverage;
}

/** The outcome of looking a question up, and what to do with it (see decideAnswer). */
export interface KnowledgeMatch {
  /** The question searched: the message without greetings and thanks. */
  question: string;
  candidates: MatchCandidate[];
  decision: AnswerDecision;
}

/**
 * The brain without a language model: greetings and thanks get a canned reply, a question gets
 * the answer of the best knowledge-base match above the threshold, and anything else a clarify
 * reply (close questions and the option of a person) until the handoff rules say a person must
 * take over. It never makes text up, so it is safe to run with no model configured.
 */
export class OfflineBrain implements Brain {
  private readonly sources: number;
  private entities: QuestionEntities;

  constructor(private readonly options: OfflineBrainOptions) {
    this.sources = options.sources ?? 3;
    this.entities = options.entities;
  }

  /** Reads questions with `entities` from the next one on (the company's vocabulary changed, and with it the analyzer). */
  useEntities(entities: QuestionEntities): void {
    this.entities = entities;
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
    const { decision, candidates } = match;
    if (decision.kind === 'answer') return this.reply(candidates[0]!, candidates, match.question);
    if (decision.kind === 'ask')
      return this.askBack(
        conversation,
        decision.indexes.map((i) => candidates[i]!),
        match.question,
      );
    // Weak entries are never offered: 「茶壶多少钱」 is not asked back as 「运费怎么收？」. The bot names
    // what it knows nothing of only when that entry came close; one that shares a character or two
    // with the question (讲个笑话 and 电话) is no reading of it, and the question is plainly out of scope.
    const best = candidates[0];
    const missing = decision.weak && best!.score >= this.options.clarify.minScore ? best!.coverage.missing : [];
    return this.decline(
      conversation,
      candidates.filter((hit) => !hit.weak),
      {},
      missing,
    );
  }

  /**
   * The bot cannot answer this turn: it says so and offers close questions and a person — or,
   * when this is the `lowConfidence.consecutive`-th such turn in a row, hands off. The model
   * brain declines through here too, so both count the same streak and word it the same way.
   */
  decline(
    conversation: ConversationContext,
    hits: readonly SearchHit[],
    meta: Record<string, unknown> = {},
    /** Things the question names that the best entry never mentions: the bot says it knows nothing of them. */
    missing: readonly string[] = [],
  ): BrainDecision {
    const best = hits[0];
    const lookup = {
      ...meta,
      ...(missing.length > 0 && { missing }),
      knowledgeBase: conversation.knowledgeBase,
      score: round(best?.score ?? 0),
      nearest: best?.chunk.questions?.[0],
    };
    const low = this.options.handoff.checkLowConfidence(1 + unansweredStreak(conversation.history));
    if (low) return { kind: 'handoff', reason: low.reason, text: low.text, meta: { ...low.detail, ...lookup } };
    const { text, offered } = offerClarification(this.options.clarify, hits, missing);
    return { kind: 'reply', text, meta: { decision: 'clarify', offered, ...lookup } };
  }

  /**
   * Several entries are about equally likely meant: the bot asks which instead of guessing. Not
   * an unanswered turn (the customer gets answers to choose from), so it does not count towards
   * `lowConfidence`, and a turn later the customer's 「2」 or words pick one as from a clarify offer.
   */
  private askBack(conversation: ConversationContext, candidates: readonly SearchHit[], question: string): BrainDecision {
    const { text, offered } = askWhichMeant(this.options.clarify, candidates);
    const best = candidates[0]!;
    // Passages have no question to offer: with fewer than two choices there is nothing to ask.
    if (offered.length < 2) return this.reply(best, candidates, question);
    return {
      kind: 'reply',
      text,
      meta: {
        decision: 'ask',
        offered,
        knowledgeBase: conversation.knowledgeBase,
        score: round(best.score),
        nearest: best.chunk.questions?.[0],
      },
    };
  }

  /** The entry the customer picked from the bot's last offer, answered; undefined if they did not pick one. */
  private chosenOffer(conversation: ConversationContext, text: string): BrainDecision | undefined {
    const offered = pendingOffer(conversation.history);
    const retriever = this.options.retrievers.get(conversation.knowledgeBase);
    if (offered.length === 0 || !retriever) return undefined;
    // Found again by its own question: any retriever can, and an entry removed since is not answered.
    const found = (entry: OfferedEntry) => retriever.search(entry.question, this.sources).find((h) => h.chunkId === entry.entryId);
    const picked = chosenEntry(text, offered);
    if (picked) {
      const hit = found(picked);
      return hit && this.reply(hit, [hit], picked.question);
    }
    const hit = this.namedOffer(
      text,
      offered.flatMap((entry) => found(entry) ?? []),
    );
    return hit && this.reply(hit, [hit], text);
  }

  /**
   * The offered entry the customer's words point to: 「运费」 or 「寄到哪」 after 「1. 退货运费谁承担？
   * 2. 退货寄到哪里？」. Only one offered entry may mention every content word of the reply; a reply
   * that says more than an offered entry does (「发票怎么开」) or fits several (「退货」) is a new question.
   */
  private namedOffer(text: string, offered: readonly SearchHit[]): SearchHit | undefined {
    const words = this.entities.contentWords(text);
    if (words.length === 0) return undefined;
    const fitting = offered.filter((hit) => this.entities.coverage(words, hit.chunk).mentioned.length === words.length);
    return fitting.length === 1 ? fitting[0] : undefined;
  }

  /** Looks a message up in a knowledge base and decides what to do; also what `npm run eval` measures. */
  match(knowledgeBase: string, message: string, limit = this.sources): KnowledgeMatch {
    const question = this.options.smallTalk.classify(message).question;
    const retriever = this.options.retrievers.get(knowledgeBase);
    const hits = retriever && question !== '' ? retriever.search(question, Math.max(limit, 1)) : [];
    const words = hits.length > 0 ? this.entities.contentWords(question) : [];
    const candidates = hits.map((hit): MatchCandidate => {
      const coverage = this.entities.coverage(words, hit.chunk);
      return { ...hit, coverage, covered: coverage.covered, weak: coverage.frameOnly && coverage.missing.length > 0 };
    });
    return { question, candidates, decision: decideAnswer(candidates, this.decisionRules) };
  }

  /** The rules `match` decides by; the eval re-decides with them at other thresholds. */
  get decisionRules(): DecisionRules {
    const { threshold, clarify } = this.options;
    return { threshold, askWithin: clarify.askWithin, maxOffers: clarify.maxOffers };
  }

  private reply(best: SearchHit, hits: readonly SearchHit[], question: string): BrainDecision {
    const passage = best.chunk.answer === undefined ? answeringSentences(best.chunk, question) : undefined;
    return {
      kind: 'reply',
      text: best.chunk.answer ?? (passage ? `${passage.text}\n${citation(best.chunk.documentId)}` : best.chunk.text),
      meta: {
        ...(passage && { passage: { documentId: best.chunk.documentId, sentences: passage.taken, of: passage.of } }),
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

/** The document a passage answer quotes, as the customer sees it: 「（摘自《退货政策》）」. */
export function citation(documentId: string): string {
  return `（摘自《${documentId.replace(/\.[A-Za-z0-9]+$/, '')}》）`;
}

function round(score: number): number {
  return Math.round(score * 1000) / 1000;
}

/** A knowledge-base entry retrieval found for a question, as the decision sees it. */
export interface Candidate {
  score: number;
  /**
   * The question names something (茶壶, iphone) the entry never mentions, and the two share
   * nothing but how they ask (多少钱): the entry answers another question (see QuestionEntities).
   */
  weak: boolean;
  /** The things the question names that the entry mentions (see QuestionEntities). */
  covered: readonly string[];
}

export interface DecisionRules {
  /** Minimum score of the best candidate to answer with it (retrieval.json `threshold`). */
  threshold: number;
  /**
   * Another candidate above the threshold that scores at least this share of the best one, and
   * mentions a thing the question names that the best one does not, may be what was meant: the bot
   * asks which (handoff.json `clarify.askWithin`); 1 never asks.
   */
  askWithin: number;
  /** At most this many candidates in a question back (handoff.json `clarify.maxOffers`). */
  maxOffers: number;
}

/**
 * What to do with a question, by the positions of the candidates (best first):
 * - answer: the best candidate clears the threshold and no other is close;
 * - ask: others clear it too, score close, and each mentions a thing the question names that the
 *   best one does not (「快递几天到，运费多少」) — 「您想问的是：1. … 2. …」 instead of a guess;
 * - decline: none clears it, or the best one is weak; `weak` says the best one is, so the bot can
 *   say it knows nothing of the thing named instead of answering about something else.
 * The service and `npm run eval` decide with this one function, so the eval measures the bot.
 */
export type AnswerDecision = { kind: 'answer'; index: 0 } | { kind: 'ask'; indexes: number[] } | { kind: 'decline'; weak: boolean };

export function decideAnswer(candidates: readonly Candidate[], rules: DecisionRules): AnswerDecision {
  const best = candidates[0];
  if (!best) return { kind: 'decline', weak: false };
  if (best.weak || best.score < rules.threshold) return { kind: 'decline', weak: best.weak };
  const close: number[] = [0];
  candidates.forEach((candidate, i) => {
    if (i === 0 || close.length >= rules.maxOffers || candidate.weak) return;
    if (candidate.score < rules.threshold || candidate.score < best.score * rules.askWithin) return;
    // One that mentions no thing the best does not is the same reading, only worse put.
    if (candidate.covered.some((word) => !best.covered.includes(word))) close.push(i);
  });
  return close.length > 1 ? { kind: 'ask', indexes: close } : { kind: 'answer', index: 0 };
}

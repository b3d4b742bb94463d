import type { EvalItem } from './eval-set.ts';

/** What the brain found for one eval question: entries best first, and the top score. */
export interface RankedLookup {
  /** Standard questions of the hits, best first. */
  ranked: string[];
  topScore: number;
}

export interface IntentAccuracy {
  intent: string;
  count: number;
  correct: number;
}

export interface EvalMetrics {
  threshold: number;
  inScope: number;
  outOfScope: number;
  /** In-scope questions the brain answers (top score ≥ threshold) with the expected entry. */
  hitAt1: number;
  /** In-scope questions whose expected entry ranks in the top 3, threshold aside. */
  hitAt3: number;
  /** Mean reciprocal rank of the expected entry (0 when not in the hits), threshold aside. */
  mrr: number;
  /** Of the questions declined, the share that were out of scope. */
  outOfScopePrecision: number;
  /** Of the out-of-scope questions, the share declined. */
  outOfScopeRecall: number;
  /** Of all questions, the share declined: handed to a person. */
  handoffRate: number;
  /**
   * Of all questions, the share answered confidently and wrongly: an in-scope question answered
   * with another entry, or an out-of-scope question answered at all. Worse than a handoff: the
   * customer is told something untrue and no person looks.
   */
  wrongAnswerRate: number;
  /** Answered correctly, or for out-of-scope declined, per intent. */
  perIntent: IntentAccuracy[];
}

/** The goals of issue #14, for every domain's held-out part. */
export const TARGETS = { hitAt1: 0.85, wrongAnswerRate: 0.05, outOfScopeRecall: 0.9 } as const;

/** The targets a part misses, by metric name; empty when it meets them all. */
export function missedTargets(metrics: EvalMetrics): (keyof typeof TARGETS)[] {
  return [
    ...(metrics.hitAt1 < TARGETS.hitAt1 ? (['hitAt1'] as const) : []),
    ...(metrics.wrongAnswerRate > TARGETS.wrongAnswerRate ? (['wrongAnswerRate'] as const) : []),
    ...(metrics.outOfScopeRecall < TARGETS.outOfScopeRecall ? (['outOfScopeRecall'] as const) : []),
  ];
}

/** Scores lookups (computed once) at one threshold, so a sweep costs no extra retrieval. */
export function scoreEval(items: readonly EvalItem[], lookups: readonly RankedLookup[], threshold: number): EvalMetrics {
  let inScope = 0;
  let answeredRight = 0;
  let top3 = 0;
  let reciprocalRanks = 0;
  let outOfScope = 0;
  let declined = 0;
  let declinedOutOfScope = 0;
  let answeredWrong = 0;
  const intents = new Map<string, IntentAccuracy>();

  items.forEach((item, i) => {
    const { ranked, topScore } = lookups[i]!;
    const answers = ranked.length > 0 && topScore >= threshold;
    if (!answers) declined++;
    let correct: boolean;
    if (item.expected === null) {
      outOfScope++;
      correct = !answers;
      if (correct) declinedOutOfScope++;
      else answeredWrong++;
    } else {
      inScope++;
      const rank = ranked.indexOf(item.expected);
      correct = answers && rank === 0;
      if (correct) answeredRight++;
      else if (answers) answeredWrong++;
      if (rank >= 0 && rank < 3) top3++;
      if (rank >= 0) reciprocalRanks += 1 / (rank + 1);
    }
    const intent = intents.get(item.intent) ?? { intent: item.intent, count: 0, correct: 0 };
    intent.count++;
    if (correct) intent.correct++;
    intents.set(item.intent, intent);
  });

  return {
    threshold,
    inScope,
    outOfScope,
    hitAt1: ratio(answeredRight, inScope),
    hitAt3: ratio(top3, inScope),
    mrr: ratio(reciprocalRanks, inScope),
    outOfScopePrecision: ratio(declinedOutOfScope, declined),
    outOfScopeRecall: ratio(declinedOutOfScope, outOfScope),
    handoffRate: ratio(declined, items.length),
    wrongAnswerRate: ratio(answeredWrong, items.length),
    perIntent: [...intents.values()].sort((a, b) => a.intent.localeCompare(b.intent)),
  };
}

/**
 * Metrics at each threshold from `from` to `to`, and at the chosen one (even between two steps), to
 * show the trade-off the threshold makes. The same thresholds for any set, so sweeps of several
 * domains line up.
 */
export function sweepThresholds(
  items: readonly EvalItem[],
  lookups: readonly RankedLookup[],
  chosen: number,
  from = 0.1,
  to = 0.5,
  step = 0.02,
): EvalMetrics[] {
  const thresholds = new Set<number>([chosen]);
  for (let t = from; t <= to + 1e-9; t += step) thresholds.add(Math.round(t * 1000) / 1000);
  return [...thresholds].sort((a, b) => a - b).map((threshold) => scoreEval(items, lookups, threshold));
}

/** Each rate averaged over several sets (one per domain), each set counting once; counts summed. */
export function averageMetrics(parts: readonly EvalMetrics[]): EvalMetrics {
  const mean = (rate: (m: EvalMetrics) => number) =>
    ratio(
      parts.reduce((sum, m) => sum + rate(m), 0),
      parts.length,
    );
  return {
    threshold: parts[0]?.threshold ?? 0,
    inScope: parts.reduce((sum, m) => sum + m.inScope, 0),
    outOfScope: parts.reduce((sum, m) => sum + m.outOfScope, 0),
    hitAt1: mean((m) => m.hitAt1),
    hitAt3: mean((m) => m.hitAt3),
    mrr: mean((m) => m.mrr),
    outOfScopePrecision: mean((m) => m.outOfScopePrecision),
    outOfScopeRecall: mean((m) => m.outOfScopeRecall),
    handoffRate: mean((m) => m.handoffRate),
    wrongAnswerRate: mean((m) => m.wrongAnswerRate),
    perIntent: [],
  };
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

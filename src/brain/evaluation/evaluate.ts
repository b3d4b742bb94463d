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
  /** Answered correctly, or for out-of-scope declined, per intent. */
  perIntent: IntentAccuracy[];
}

export const TARGETS = { hitAt1: 0.85, outOfScopeRecall: 0.85 } as const;

export function meetsTargets(metrics: EvalMetrics): boolean {
  return metrics.hitAt1 >= TARGETS.hitAt1 && metrics.outOfScopeRecall >= TARGETS.outOfScopeRecall;
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
    } else {
      inScope++;
      const rank = ranked.indexOf(item.expected);
      correct = answers && rank === 0;
      if (correct) answeredRight++;
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
    perIntent: [...intents.values()].sort((a, b) => a.intent.localeCompare(b.intent)),
  };
}

/** Metrics at each threshold from `from` to `to`, to show the trade-off the threshold makes. */
export function sweepThresholds(
  items: readonly EvalItem[],
  lookups: readonly RankedLookup[],
  from = 0.1,
  to = 0.5,
  step = 0.02,
): EvalMetrics[] {
  const sweep: EvalMetrics[] = [];
  for (let t = from; t <= to + 1e-9; t += step) sweep.push(scoreEval(items, lookups, Math.round(t * 1000) / 1000));
  return sweep;
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

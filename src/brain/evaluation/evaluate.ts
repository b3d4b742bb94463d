import { type Candidate, type DecisionRules, decideAnswer } from '../answer-decision.ts';
import type { EvalItem } from './eval-set.ts';

/** An entry the brain found for an eval question: its standard question, score and weakness. */
export interface RankedEntry extends Candidate {
  entry: string;
}

/** What the brain found for one eval question: entries best first. */
export interface RankedLookup {
  ranked: RankedEntry[];
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
   * Of all questions, the share asked back (「您想问的是：1. … 2. …」): neither a hit nor a wrong
   * answer nor a decline; the customer's pick is the answer.
   */
  askRate: number;
  /**
   * In-scope questions answered right at once, or asked back with the expected entry among the
   * choices: answered right after at most one question back.
   */
  hitAfterAsk: number;
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

/**
 * Scores lookups (computed once) by the brain's own decision (decideAnswer) under `rules`, so a
 * sweep over thresholds costs no extra retrieval.
 */
export function scoreEval(items: readonly EvalItem[], lookups: readonly RankedLookup[], rules: DecisionRules): EvalMetrics {
  let inScope = 0;
  let answeredRight = 0;
  let askedRight = 0;
  let asked = 0;
  let top3 = 0;
  let reciprocalRanks = 0;
  let outOfScope = 0;
  let declined = 0;
  let declinedOutOfScope = 0;
  let answeredWrong = 0;
  const intents = new Map<string, IntentAccuracy>();

  items.forEach((item, i) => {
    const { ranked } = lookups[i]!;
    const decision = decideAnswer(ranked, rules);
    if (decision.kind === 'decline') declined++;
    if (decision.kind === 'ask') asked++;
    const answered = decision.kind === 'answer' ? ranked[0]!.entry : undefined;
    let correct: boolean;
    if (item.expected === null) {
      outOfScope++;
      correct = decision.kind === 'decline';
      if (correct) declinedOutOfScope++;
      if (answered !== undefined) answeredWrong++;
    } else {
      inScope++;
      const rank = ranked.findIndex((r) => r.entry === item.expected);
      correct = answered === item.expected;
      if (correct) answeredRight++;
      else if (answered !== undefined) answeredWrong++;
      if (decision.kind === 'ask' && decision.indexes.some((index) => ranked[index]!.entry === item.expected)) askedRight++;
      if (rank >= 0 && rank < 3) top3++;
      if (rank >= 0) reciprocalRanks += 1 / (rank + 1);
    }
    const intent = intents.get(item.intent) ?? { intent: item.intent, count: 0, correct: 0 };
    intent.count++;
    if (correct) intent.correct++;
    intents.set(item.intent, intent);
  });

  return {
    threshold: rules.threshold,
    inScope,
    outOfScope,
    hitAt1: ratio(answeredRight, inScope),
    hitAt3: ratio(top3, inScope),
    mrr: ratio(reciprocalRanks, inScope),
    outOfScopePrecision: ratio(declinedOutOfScope, declined),
    outOfScopeRecall: ratio(declinedOutOfScope, outOfScope),
    handoffRate: ratio(declined, items.length),
    askRate: ratio(asked, items.length),
    hitAfterAsk: ratio(answeredRight + askedRight, inScope),
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
  rules: DecisionRules,
  from = 0.1,
  to = 0.5,
  step = 0.02,
): EvalMetrics[] {
  const thresholds = new Set<number>([rules.threshold]);
  for (let t = from; t <= to + 1e-9; t += step) thresholds.add(Math.round(t * 1000) / 1000);
  return [...thresholds].sort((a, b) => a - b).map((threshold) => scoreEval(items, lookups, { ...rules, threshold }));
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
    askRate: mean((m) => m.askRate),
    hitAfterAsk: mean((m) => m.hitAfterAsk),
    wrongAnswerRate: mean((m) => m.wrongAnswerRate),
    perIntent: [],
  };
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

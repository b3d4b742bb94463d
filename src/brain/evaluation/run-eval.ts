import type { OfflineBrain } from '../offline-brain.ts';
import type { EvalItem } from './eval-set.ts';
import { scoreEval, sweepThresholds, type EvalMetrics, type RankedLookup } from './evaluate.ts';

export interface EvalRun {
  metrics: EvalMetrics;
  sweep: EvalMetrics[];
  /** Labels naming no entry of the knowledge base: a broken eval set, not a retrieval miss. */
  unknownLabels: string[];
}

/**
 * Looks every eval question up with the offline brain (the same small-talk stripping and
 * retrieval the service runs) and scores the result at the brain's threshold and over a sweep.
 */
export function runEval(
  brain: OfflineBrain,
  knowledgeBase: string,
  items: readonly EvalItem[],
  threshold: number,
  entries: ReadonlySet<string>,
): EvalRun {
  const lookups: RankedLookup[] = items.map((item) => {
    // Ten hits, so MRR sees entries ranked below the three the brain keeps as sources.
    const { hits } = brain.match(knowledgeBase, item.question, 10);
    return { ranked: hits.map((hit) => hit.chunk.questions?.[0] ?? hit.chunkId), topScore: hits[0]?.score ?? 0 };
  });
  const unknownLabels = [
    ...new Set(items.flatMap((item) => (item.expected !== null && !entries.has(item.expected) ? [item.expected] : []))),
  ];
  const metrics = scoreEval(items, lookups, threshold);
  // The configured threshold is shown in the sweep even when it falls between its steps.
  const sweep = sweepThresholds(items, lookups);
  if (!sweep.some((s) => Math.abs(s.threshold - threshold) < 1e-9)) sweep.push(metrics);
  sweep.sort((a, b) => a.threshold - b.threshold);
  return { metrics, sweep, unknownLabels };
}

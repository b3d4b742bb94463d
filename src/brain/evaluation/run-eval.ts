import type { OfflineBrain } from '../offline-brain.ts';
import type { EvalItem } from './eval-set.ts';
import { scoreEval, sweepThresholds, type EvalMetrics, type RankedLookup } from './evaluate.ts';
import { splitEvalSet } from './split.ts';

/** Metrics of one part of the eval set (dev, held-out or all of it). */
export interface EvalPart {
  items: EvalItem[];
  lookups: RankedLookup[];
  metrics: EvalMetrics;
  sweep: EvalMetrics[];
}

export interface EvalRun {
  /** Tuning part: weights, lexicon and threshold are chosen by looking at it. */
  dev: EvalPart;
  /** Held-out part: never tuned on; the targets are judged here. */
  heldOut: EvalPart;
  all: EvalPart;
  /** Labels naming no entry of the knowledge base: a broken eval set, not a retrieval miss. */
  unknownLabels: string[];
}

/**
 * Looks every eval question up with the offline brain (the same small-talk stripping and
 * retrieval the service runs) and scores the result at the brain's threshold and over a sweep,
 * on the dev and held-out parts of the set (see splitEvalSet) and on all of it.
 */
export function runEval(
  brain: OfflineBrain,
  knowledgeBase: string,
  items: readonly EvalItem[],
  threshold: number,
  entries: ReadonlySet<string>,
): EvalRun {
  const lookups = new Map<EvalItem, RankedLookup>();
  for (const item of items) {
    // Ten hits, so MRR sees entries ranked below the three the brain keeps as sources.
    const { hits } = brain.match(knowledgeBase, item.question, 10);
    lookups.set(item, { ranked: hits.map((hit) => hit.chunk.questions?.[0] ?? hit.chunkId), topScore: hits[0]?.score ?? 0 });
  }
  const unknownLabels = [
    ...new Set(items.flatMap((item) => (item.expected !== null && !entries.has(item.expected) ? [item.expected] : []))),
  ];
  const part = (partItems: EvalItem[]): EvalPart => {
    const partLookups = partItems.map((item) => lookups.get(item)!);
    const metrics = scoreEval(partItems, partLookups, threshold);
    // The configured threshold is shown in the sweep even when it falls between its steps.
    const sweep = sweepThresholds(partItems, partLookups);
    if (!sweep.some((s) => Math.abs(s.threshold - threshold) < 1e-9)) sweep.push(metrics);
    sweep.sort((a, b) => a.threshold - b.threshold);
    return { items: partItems, lookups: partLookups, metrics, sweep };
  };
  const { dev, heldOut } = splitEvalSet(items);
  return { dev: part(dev), heldOut: part(heldOut), all: part([...items]), unknownLabels };
}

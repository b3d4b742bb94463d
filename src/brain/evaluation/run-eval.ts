import type { DecisionRules } from '../answer-decision.ts';
import { loadOfflineBrain } from '../load-offline-brain.ts';
import type { OfflineBrain } from '../offline-brain.ts';
import type { EvalDomain } from './eval-domains.ts';
import type { EvalItem } from './eval-set.ts';
import { averageMetrics, type EvalMetrics, type RankedLookup, scoreEval, sweepThresholds } from './evaluate.ts';

/** Metrics of one part (dev or held-out) of a domain's questions. */
export interface EvalPart {
  items: EvalItem[];
  lookups: RankedLookup[];
  metrics: EvalMetrics;
  /** The decision rules `metrics` were scored with (the brain's). */
  rules: DecisionRules;
  sweep: EvalMetrics[];
}

export interface DomainRun {
  domain: string;
  /** Tuning part: weights, lexicon and threshold are chosen by looking at it. */
  dev: EvalPart;
  /** Held-out part: only measured; the targets are judged here. Absent in a dev-only run. */
  heldOut?: EvalPart;
  /** Labels naming no entry of the knowledge base: a broken eval set, not a retrieval miss. */
  unknownLabels: string[];
}

export interface EvalRun {
  threshold: number;
  domains: DomainRun[];
  /** Each metric averaged over the domains, every domain counting once whatever its size. */
  average: { dev: EvalMetrics; heldOut?: EvalMetrics; devSweep: EvalMetrics[] };
}

export interface EvalOptions {
  /** Directory of the brain's config files (config/brain). */
  configDir: string;
  /** Overrides retrieval.json's threshold. */
  threshold?: number;
  /** Measure the dev parts only: the held-out questions are not looked up at all (tuning runs). */
  devOnly?: boolean;
}

/**
 * Builds the offline brain the service runs, with one knowledge base per domain, and measures it
 * on every domain's dev and held-out questions.
 */
export async function evaluateDomains(domains: readonly EvalDomain[], options: EvalOptions): Promise<EvalRun> {
  const { brain, settings, indexes } = await loadOfflineBrain({
    configDir: options.configDir,
    knowledgeBases: Object.fromEntries(domains.map((domain) => [domain.name, domain.knowledgeBase])),
    vocabularyDirs: Object.fromEntries(domains.flatMap((domain) => (domain.vocabularyDir ? [[domain.name, domain.vocabularyDir]] : []))),
    ...(options.threshold !== undefined && { threshold: options.threshold }),
  });
  const threshold = options.threshold ?? settings.threshold;
  const runs = domains.map((domain) => {
    const entries = new Set(indexes.get(domain.name)!.chunks.map((chunk) => chunk.questions?.[0] ?? chunk.id));
    return runDomain(brain, domain, entries, options.devOnly ?? false);
  });
  const devSweep = runs[0]?.dev.sweep.map((_, i) => averageMetrics(runs.map((run) => run.dev.sweep[i]!))) ?? [];
  return {
    threshold,
    domains: runs,
    average: {
      dev: averageMetrics(runs.map((run) => run.dev.metrics)),
      ...(!options.devOnly && { heldOut: averageMetrics(runs.map((run) => run.heldOut!.metrics)) }),
      devSweep,
    },
  };
}

/**
 * Looks every question of a domain up with the offline brain (the same small-talk stripping and
 * retrieval the service runs) and scores the result at the threshold and over a sweep.
 */
function runDomain(brain: OfflineBrain, domain: EvalDomain, entries: ReadonlySet<string>, devOnly: boolean): DomainRun {
  const rules = brain.decisionRules;
  const part = (items: EvalItem[]): EvalPart => {
    const lookups = items.map((item): RankedLookup => {
      // Ten hits, so MRR sees entries ranked below the three the brain keeps as sources.
      const { candidates } = brain.match(domain.name, item.question, 10);
      return {
        ranked: candidates.map(({ chunk, chunkId, score, weak, covered }) => ({
          entry: chunk.questions?.[0] ?? chunkId,
          score,
          weak,
          covered,
        })),
      };
    });
    const metrics = scoreEval(items, lookups, rules);
    return { items, lookups, metrics, rules, sweep: sweepThresholds(items, lookups, rules) };
  };
  const labels = [...domain.dev, ...domain.heldOut].flatMap((item) => (item.expected === null ? [] : [item.expected]));
  return {
    domain: domain.name,
    dev: part(domain.dev),
    ...(!devOnly && { heldOut: part(domain.heldOut) }),
    unknownLabels: [...new Set(labels.filter((label) => !entries.has(label)))],
  };
}

import { decideAnswer } from '../answer-decision.ts';
import { type EvalMetrics, TARGETS } from './evaluate.ts';
import type { DomainRun, EvalRun } from './run-eval.ts';

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;
const mark = (ok: boolean) => (ok ? 'ok' : 'MISSED');

/**
 * The eval report as printed by `npm run eval`: per domain and averaged over the domains, the
 * headline metrics of the held-out and dev parts side by side (targets judged on held-out), and
 * the threshold sweep on dev — the only part a threshold may be chosen on. Held-out questions are
 * never printed, so nobody tunes on them by reading them; a dev-only run has no held-out column.
 */
export function formatReport(run: EvalRun, options: { misses?: boolean } = {}): string {
  const devOnly = run.average.heldOut === undefined;
  const lines = [
    devOnly
      ? `threshold ${run.threshold}; dev parts only (held-out not computed); the targets are judged on held-out`
      : `threshold ${run.threshold}; targets are judged on each domain's held-out part, which nobody tunes on`,
  ];
  for (const domain of run.domains) lines.push('', ...metricTable(domain.domain, domain.dev.metrics, domain.heldOut?.metrics));
  lines.push('', ...metricTable(`average of ${run.domains.length} domains`, run.average.dev, run.average.heldOut));
  lines.push(
    '',
    'threshold sweep on dev (domain average)  hit@1  oos recall  wrong answers  handoffs  asked back',
    ...run.average.devSweep.map((s) => sweepLine(s, run.threshold)),
  );
  if (options.misses) for (const domain of run.domains) lines.push('', ...devDetail(domain));
  for (const domain of run.domains) {
    if (domain.unknownLabels.length > 0) lines.push('', `${domain.domain}: labels naming no KB entry: ${domain.unknownLabels.join(' | ')}`);
  }
  return lines.join('\n');
}

/** One domain's (or the average's) metrics: held-out then dev, or dev alone; targets marked on held-out. */
function metricTable(title: string, dev: EvalMetrics, heldOut?: EvalMetrics): string[] {
  const parts = heldOut ? [heldOut, dev] : [dev];
  const target = (limit: string, met: (m: EvalMetrics) => boolean) => (heldOut ? `   target ${limit}  ${mark(met(heldOut))}` : '');
  const row = (label: string, value: (m: EvalMetrics) => string, targetText = '') =>
    `${label.padEnd(40)}${parts.map((m) => value(m).padStart(10)).join('')}${targetText}`;
  return [
    `${title.padEnd(40)}${(heldOut ? ['held-out', 'dev'] : ['dev']).map((h) => h.padStart(10)).join('')}`,
    row('questions in scope / out of scope', (m) => `${m.inScope}/${m.outOfScope}`),
    row(
      'hit@1 (answered with the right entry)',
      (m) => percent(m.hitAt1),
      target(`≥ ${percent(TARGETS.hitAt1)}`, (m) => m.hitAt1 >= TARGETS.hitAt1),
    ),
    row('hit@3 (ranked, threshold aside)', (m) => percent(m.hitAt3)),
    row('MRR', (m) => m.mrr.toFixed(3)),
    row('out-of-scope precision', (m) => percent(m.outOfScopePrecision)),
    row(
      'out-of-scope recall (declined)',
      (m) => percent(m.outOfScopeRecall),
      target(`≥ ${percent(TARGETS.outOfScopeRecall)}`, (m) => m.outOfScopeRecall >= TARGETS.outOfScopeRecall),
    ),
    row('handoff rate (of all questions)', (m) => percent(m.handoffRate)),
    row('asked back (of all questions)', (m) => percent(m.askRate)),
    row('hit@1 or right entry asked back', (m) => percent(m.hitAfterAsk)),
    row(
      'wrong answers (of all questions)',
      (m) => percent(m.wrongAnswerRate),
      target(`≤ ${percent(TARGETS.wrongAnswerRate)}`, (m) => m.wrongAnswerRate <= TARGETS.wrongAnswerRate),
    ),
  ];
}

function sweepLine(s: EvalMetrics, chosen: number): string {
  const marker = Math.abs(s.threshold - chosen) < 1e-9 ? '  ← chosen' : '';
  return `${s.threshold.toFixed(3).padStart(38)}${percent(s.hitAt1).padStart(9)}${percent(s.outOfScopeRecall).padStart(12)}${percent(s.wrongAnswerRate).padStart(15)}${percent(s.handoffRate).padStart(10)}${percent(s.askRate).padStart(12)}${marker}`;
}

/** A domain's dev accuracy per intent and its dev misses, for whoever tunes; held-out stays unseen. */
function devDetail(run: DomainRun): string[] {
  const { items, lookups } = run.dev;
  const { metrics, rules } = run.dev;
  const lines = [
    `${run.domain} dev, per intent (n, answered right or declined as it should):`,
    ...metrics.perIntent.map((i) => `  ${i.intent.padEnd(16)}${String(i.count).padStart(4)}${percent(i.correct / i.count).padStart(8)}`),
    `${run.domain} dev misses (question → got | expected | top score):`,
  ];
  items.forEach((item, i) => {
    const { ranked } = lookups[i]!;
    const decision = decideAnswer(ranked, rules);
    const got =
      decision.kind === 'answer'
        ? ranked[0]!.entry
        : decision.kind === 'ask'
          ? `(asked: ${decision.indexes.map((index) => ranked[index]!.entry).join(' / ')})`
          : decision.weak
            ? '(declined: names what the entry does not)'
            : null;
    if (got === item.expected || (item.expected === null && decision.kind === 'decline')) return;
    lines.push(`  ${item.question} → ${got ?? '(declined)'} | ${item.expected ?? '(decline)'} | ${(ranked[0]?.score ?? 0).toFixed(3)}`);
  });
  return lines;
}

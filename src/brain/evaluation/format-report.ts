import { TARGETS, type EvalMetrics } from './evaluate.ts';
import type { EvalRun } from './run-eval.ts';

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;
const mark = (ok: boolean) => (ok ? 'ok' : 'MISSED');

/** The eval report as printed by `npm run eval`: headline metrics, per intent, threshold sweep. */
export function formatReport(run: EvalRun): string {
  const m = run.metrics;
  const lines = [
    `questions: ${m.inScope} in scope, ${m.outOfScope} out of scope; threshold ${m.threshold}`,
    '',
    `hit@1 (answered with the right entry)  ${percent(m.hitAt1).padStart(6)}   target ≥ ${percent(TARGETS.hitAt1)}  ${mark(m.hitAt1 >= TARGETS.hitAt1)}`,
    `hit@3 (ranked, threshold aside)        ${percent(m.hitAt3).padStart(6)}`,
    `MRR                                    ${m.mrr.toFixed(3).padStart(6)}`,
    `out-of-scope precision                 ${percent(m.outOfScopePrecision).padStart(6)}`,
    `out-of-scope recall                    ${percent(m.outOfScopeRecall).padStart(6)}   target ≥ ${percent(TARGETS.outOfScopeRecall)}  ${mark(m.outOfScopeRecall >= TARGETS.outOfScopeRecall)}`,
    '',
    'intent          questions  correct  accuracy',
    ...m.perIntent.map(
      (i) =>
        `${i.intent.padEnd(16)}${String(i.count).padStart(9)}${String(i.correct).padStart(9)}${percent(i.correct / i.count).padStart(10)}`,
    ),
    '',
    'threshold sweep  hit@1   oos recall  oos precision',
    ...run.sweep.map((s) => sweepLine(s, m.threshold)),
  ];
  if (run.unknownLabels.length > 0) lines.push('', `labels naming no KB entry: ${run.unknownLabels.join(' | ')}`);
  return lines.join('\n');
}

function sweepLine(s: EvalMetrics, chosen: number): string {
  const marker = Math.abs(s.threshold - chosen) < 1e-9 ? '  ← chosen' : '';
  return `${s.threshold.toFixed(2).padStart(9)}${percent(s.hitAt1).padStart(13)}${percent(s.outOfScopeRecall).padStart(12)}${percent(s.outOfScopePrecision).padStart(15)}${marker}`;
}

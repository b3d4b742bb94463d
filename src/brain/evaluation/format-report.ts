import { TARGETS, type EvalMetrics } from './evaluate.ts';
import type { EvalPart, EvalRun } from './run-eval.ts';

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;
const mark = (ok: boolean) => (ok ? 'ok' : 'MISSED');

/**
 * The eval report as printed by `npm run eval`: headline metrics of the held-out, dev and whole
 * set side by side (targets judged on held-out), per intent, and the threshold sweep on dev —
 * the part a threshold may be chosen on.
 */
export function formatReport(run: EvalRun, options: { misses?: boolean } = {}): string {
  const parts: [string, EvalPart][] = [
    ['held-out', run.heldOut],
    ['dev', run.dev],
    ['all', run.all],
  ];
  const h = run.heldOut.metrics;
  const row = (label: string, value: (m: EvalMetrics) => string, target = '') =>
    `${label.padEnd(38)}${parts.map(([, p]) => value(p.metrics).padStart(10)).join('')}${target}`;
  const lines = [
    `threshold ${h.threshold}; targets are judged on the held-out part (never tuned on)`,
    '',
    `${''.padEnd(38)}${parts.map(([name]) => name.padStart(10)).join('')}`,
    row('questions in scope / out of scope', (m) => `${m.inScope}/${m.outOfScope}`),
    row(
      'hit@1 (answered with the right entry)',
      (m) => percent(m.hitAt1),
      `   target ≥ ${percent(TARGETS.hitAt1)}  ${mark(h.hitAt1 >= TARGETS.hitAt1)}`,
    ),
    row('hit@3 (ranked, threshold aside)', (m) => percent(m.hitAt3)),
    row('MRR', (m) => m.mrr.toFixed(3)),
    row('out-of-scope precision', (m) => percent(m.outOfScopePrecision)),
    row(
      'out-of-scope recall',
      (m) => percent(m.outOfScopeRecall),
      `   target ≥ ${percent(TARGETS.outOfScopeRecall)}  ${mark(h.outOfScopeRecall >= TARGETS.outOfScopeRecall)}`,
    ),
    '',
    `intent          ${parts.map(([name]) => `${name} (n, acc)`.padStart(18)).join('')}`,
    ...run.all.metrics.perIntent.map(({ intent }) => {
      const cells = parts.map(([, p]) => {
        const i = p.metrics.perIntent.find((x) => x.intent === intent);
        return (i ? `${String(i.count).padStart(3)} ${percent(i.correct / i.count).padStart(7)}` : '-').padStart(18);
      });
      return `${intent.padEnd(16)}${cells.join('')}`;
    }),
    '',
    'threshold sweep on dev  hit@1   oos recall  oos precision',
    ...run.dev.sweep.map((s) => sweepLine(s, h.threshold)),
  ];
  if (options.misses) lines.push('', ...missLines(run));
  if (run.unknownLabels.length > 0) lines.push('', `labels naming no KB entry: ${run.unknownLabels.join(' | ')}`);
  return lines.join('\n');
}

function sweepLine(s: EvalMetrics, chosen: number): string {
  const marker = Math.abs(s.threshold - chosen) < 1e-9 ? '  ← chosen' : '';
  return `${s.threshold.toFixed(2).padStart(16)}${percent(s.hitAt1).padStart(13)}${percent(s.outOfScopeRecall).padStart(12)}${percent(s.outOfScopePrecision).padStart(15)}${marker}`;
}

/** Dev questions answered wrongly, for whoever tunes: held-out misses stay unseen on purpose. */
function missLines(run: EvalRun): string[] {
  const { threshold } = run.dev.metrics;
  const lines = ['dev misses (question → got, expected, top score):'];
  run.dev.items.forEach((item, i) => {
    const { ranked, topScore } = run.dev.lookups[i]!;
    const answered = ranked.length > 0 && topScore >= threshold ? ranked[0]! : null;
    if (answered === item.expected) return;
    lines.push(`  ${item.question} → ${answered ?? '(declined)'} | expected ${item.expected ?? '(decline)'} | ${topScore.toFixed(3)}`);
  });
  return lines;
}

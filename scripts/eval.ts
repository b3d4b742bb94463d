/**
 * npm run eval — measures the offline brain on the labelled demo eval set, split into a dev part
 * (tune on it) and a held-out part (judge on it), and exits non-zero when a target is missed on
 * the held-out part, so CI can gate on it.
 *   npm run eval -- [--threshold 0.3] [--set eval/demo-store.jsonl] [--kb config/kb/demo-store.csv] [--misses]
 * --misses lists the dev questions answered wrongly; held-out misses are not printed, so that
 * tuning cannot look at them.
 */
import { parseArgs } from 'node:util';
import { loadEvalSet } from '../src/brain/evaluation/eval-set.ts';
import { meetsTargets } from '../src/brain/evaluation/evaluate.ts';
import { formatReport } from '../src/brain/evaluation/format-report.ts';
import { runEval } from '../src/brain/evaluation/run-eval.ts';
import { loadOfflineBrain } from '../src/brain/load-offline-brain.ts';

const { values } = parseArgs({
  options: {
    threshold: { type: 'string' },
    set: { type: 'string', default: 'eval/demo-store.jsonl' },
    kb: { type: 'string', default: 'config/kb/demo-store.csv' },
    config: { type: 'string', default: 'config/brain' },
    misses: { type: 'boolean', default: false },
  },
});

const { brain, settings, indexes } = await loadOfflineBrain({
  configDir: values.config,
  knowledgeBases: { eval: [values.kb] },
  ...(values.threshold !== undefined && { threshold: Number(values.threshold) }),
});
const entries = new Set(indexes.get('eval')!.chunks.map((chunk) => chunk.questions?.[0] ?? chunk.id));
const items = await loadEvalSet(values.set);
const run = runEval(brain, 'eval', items, values.threshold !== undefined ? Number(values.threshold) : settings.threshold, entries);

console.log(formatReport(run, { misses: values.misses }));
const passed = meetsTargets(run.heldOut.metrics) && run.unknownLabels.length === 0;
console.log(passed ? '\ntargets met on held-out' : '\ntargets missed on held-out');
process.exitCode = passed ? 0 : 1;

/**
 * npm run eval — measures the offline brain on the labelled demo eval set and exits non-zero when
 * a target is missed, so CI can gate on it.
 *   npm run eval -- [--threshold 0.3] [--set eval/demo-store.jsonl] [--kb config/kb/demo-store.csv]
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
  },
});

const { brain, settings, indexes } = await loadOfflineBrain({
  configDir: values.config,
  knowledgeBases: { eval: [values.kb] },
  fallbackText: '',
  ...(values.threshold !== undefined && { threshold: Number(values.threshold) }),
});
const entries = new Set(indexes.get('eval')!.chunks.map((chunk) => chunk.questions?.[0] ?? chunk.id));
const items = await loadEvalSet(values.set);
const run = runEval(brain, 'eval', items, values.threshold !== undefined ? Number(values.threshold) : settings.threshold, entries);

console.log(formatReport(run));
const passed = meetsTargets(run.metrics) && run.unknownLabels.length === 0;
console.log(passed ? '\ntargets met' : '\ntargets missed');
process.exitCode = passed ? 0 : 1;

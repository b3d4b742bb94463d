/**
 * npm run eval — measures the offline brain on every domain under eval/domains (a knowledge base
 * with its labelled questions, split once into dev and held-out files), per domain and averaged.
 * It exits non-zero while any domain's held-out part misses a target of issue #14, or a label names
 * no entry: the exit status says whether the goals are met, not whether anything regressed (the
 * regression gate is test/brain/eval-gate.test.ts, on dev figures).
 *   npm run eval -- [--threshold 0.3] [--domain dental] [--domains eval/domains] [--config config/brain] [--misses]
 * --misses lists the dev questions answered wrongly; held-out misses are never printed, so that
 * tuning cannot look at them.
 */
import { parseArgs } from 'node:util';
import { EVAL_DOMAINS_DIR, loadEvalDomains } from '../src/brain/evaluation/eval-domains.ts';
import { missedTargets } from '../src/brain/evaluation/evaluate.ts';
import { formatReport } from '../src/brain/evaluation/format-report.ts';
import { evaluateDomains } from '../src/brain/evaluation/run-eval.ts';

const { values } = parseArgs({
  options: {
    threshold: { type: 'string' },
    domain: { type: 'string' },
    domains: { type: 'string', default: EVAL_DOMAINS_DIR },
    config: { type: 'string', default: 'config/brain' },
    misses: { type: 'boolean', default: false },
  },
});

const domains = (await loadEvalDomains(values.domains)).filter((d) => values.domain === undefined || d.name === values.domain);
if (domains.length === 0) throw new Error(`no eval domain ${values.domain ?? ''} under ${values.domains}`);
const run = await evaluateDomains(domains, {
  configDir: values.config,
  ...(values.threshold !== undefined && { threshold: Number(values.threshold) }),
});

console.log(formatReport(run, { misses: values.misses }));
const missed = run.domains.flatMap((d) => missedTargets(d.heldOut.metrics).map((target) => `${d.domain} ${target}`));
const broken = run.domains.filter((d) => d.unknownLabels.length > 0).map((d) => `${d.domain} labels`);
console.log(
  missed.length + broken.length === 0 ? '\ntargets met on every held-out part' : `\nmissed: ${[...missed, ...broken].join(', ')}`,
);
process.exitCode = missed.length + broken.length === 0 ? 0 : 1;

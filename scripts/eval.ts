/**
 * npm run eval — measures the offline brain on every domain under eval/domains (a knowledge base
 * with its labelled questions, split once into dev and held-out files), per domain and averaged.
 * It exits non-zero while any domain's held-out part misses a target of issue #14, or a label names
 * no entry: the exit status says whether the goals are met, not whether anything regressed (the
 * regression gate is test/brain/eval-gate.test.ts, on dev figures).
 *   npm run eval -- [--threshold 0.3] [--domain dental] [--domains eval/domains] [--config config/brain] [--misses]
 * --misses lists the dev questions answered wrongly; held-out misses are never printed, so that
 * tuning cannot look at them.
 *   npm run eval -- --dev [--misses] [--threshold 0.3] [--domain dental]
 * measures the dev parts only, for whoever tunes: the held-out files are not even read, so no
 * held-out figure is computed or printed. It exits non-zero only when a label names no entry (the
 * targets are judged on held-out).
 *   npm run eval -- --model [--domain dental]
 * asks the model brain every held-out question instead: the model of LLM_BASE_URL/LLM_MODEL (and
 * the other LLM_* variables), or without them a simulated model on loopback that misquotes a number
 * now and then. It reports the model replies sent, their citations and the numbers, prices, phones,
 * URLs and dates in them that their cited passages lack, and exits non-zero unless that is 0 and
 * every reply cites a passage.
 *   npm run eval -- --help
 * prints this usage.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { evaluateModelAnswers, formatModelReport } from '../src/brain/evaluation/model-eval.ts';
import { loadConfig } from '../src/config/env.ts';
import { FakeOpenAiApi } from '../src/simulator/fake-openai-api.ts';
import { simulatedModelReply } from '../src/simulator/simulated-model.ts';
import { EVAL_DOMAINS_DIR, loadEvalDomains } from '../src/brain/evaluation/eval-domains.ts';
import { missedTargets } from '../src/brain/evaluation/evaluate.ts';
import { formatReport } from '../src/brain/evaluation/format-report.ts';
import { evaluateDomains } from '../src/brain/evaluation/run-eval.ts';

/** The usage is this file's header comment, so the two cannot drift apart. */
function usage(): string {
  const header = /\/\*\*\n([\s\S]*?)\n \*\//.exec(readFileSync(new URL(import.meta.url), 'utf8'))?.[1] ?? '';
  return header.replace(/^ \* ?/gm, '');
}

function parseCommandLine() {
  try {
    return parseArgs({
      options: {
        threshold: { type: 'string' },
        domain: { type: 'string' },
        domains: { type: 'string', default: EVAL_DOMAINS_DIR },
        config: { type: 'string', default: 'config/brain' },
        misses: { type: 'boolean', default: false },
        model: { type: 'boolean', default: false },
        dev: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage()}`);
    process.exit(2);
  }
}

const values = parseCommandLine();
if (values.help) {
  console.log(usage());
  process.exit();
}
if (values.dev && values.model) {
  console.error('--model asks the held-out questions; it has no dev-only mode');
  process.exit(2);
}

const domains = (await loadEvalDomains(values.domains, { heldOut: !values.dev })).filter(
  (d) => values.domain === undefined || d.name === values.domain,
);
if (domains.length === 0) throw new Error(`no eval domain ${values.domain ?? ''} under ${values.domains}`);
if (values.model) {
  // The service's own configuration: LLM_* and FALLBACK_TEXT as the service reads them.
  const config = loadConfig();
  const configured = config.model;
  const simulated = configured ? undefined : new FakeOpenAiApi();
  if (simulated) simulated.onChat = simulatedModelReply;
  const model = configured ?? {
    baseUrl: await simulated!.listen(),
    apiKey: 'simulated',
    model: 'simulated-model',
    timeoutMs: 10_000,
    maxRetries: 0,
    maxConcurrency: 8,
    temperature: 0,
    structuredOutput: 'functionCalling' as const,
  };
  try {
    const results = await evaluateModelAnswers(domains, {
      configDir: values.config,
      promptsDir: 'config/prompts',
      model,
      fallbackText: config.env.FALLBACK_TEXT,
    });
    console.log(formatModelReport(model.model, results));
    process.exitCode = results.every((r) => r.unsupportedFacts === 0 && r.uncited === 0) ? 0 : 1;
  } finally {
    await simulated?.close();
  }
  process.exit();
}

const run = await evaluateDomains(domains, {
  configDir: values.config,
  devOnly: values.dev,
  ...(values.threshold !== undefined && { threshold: Number(values.threshold) }),
});

console.log(formatReport(run, { misses: values.misses }));
const broken = run.domains.filter((d) => d.unknownLabels.length > 0).map((d) => `${d.domain} labels`);
if (values.dev) {
  if (broken.length > 0) console.log(`\nbroken: ${broken.join(', ')}`);
  process.exitCode = broken.length === 0 ? 0 : 1;
} else {
  const missed = run.domains.flatMap((d) => missedTargets(d.heldOut!.metrics).map((target) => `${d.domain} ${target}`));
  console.log(
    missed.length + broken.length === 0 ? '\ntargets met on every held-out part' : `\nmissed: ${[...missed, ...broken].join(', ')}`,
  );
  process.exitCode = missed.length + broken.length === 0 ? 0 : 1;
}

import { type EvalDomain, loadEvalDomains } from '../../../src/brain/evaluation/eval-domains.ts';
import { type EvalRun, evaluateDomains } from '../../../src/brain/evaluation/run-eval.ts';
import { loadFaqCsvFile } from '../../../src/brain/knowledge/faq-csv.ts';
import type { IndexedChunk } from '../../../src/brain/retrieval/types.ts';
import { CONFIG_DIR } from './brain-fixtures.ts';

/** Every eval domain with its knowledge base's entries, loaded once per test file. */
export interface LoadedDomain extends EvalDomain {
  entries: IndexedChunk[];
}

let domains: Promise<LoadedDomain[]> | undefined;
export function evalDomains(): Promise<LoadedDomain[]> {
  domains ??= loadEvalDomains().then((list) =>
    Promise.all(
      list.map(async (domain) => ({
        ...domain,
        entries: (await Promise.all(domain.knowledgeBase.map((file) => loadFaqCsvFile(file, domain.name)))).flat(),
      })),
    ),
  );
  return domains;
}

/**
 * The dev-only eval run of the configuration in the repo, as `npm run eval -- --dev` measures it:
 * like it, it leaves the held-out files unread, so whoever tunes can run the gate.
 */
let run: Promise<EvalRun> | undefined;
export function evalRun(): Promise<EvalRun> {
  run ??= loadEvalDomains(undefined, { heldOut: false }).then((list) => evaluateDomains(list, { configDir: CONFIG_DIR, devOnly: true }));
  return run;
}

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../errors.ts';
import { type EvalItem, loadEvalSet } from './eval-set.ts';

export const EVAL_DOMAINS_DIR = 'eval/domains';

const domainFileSchema = z.object({
  /** What business the domain is, in a line. */
  description: z.string().min(1),
  /** FAQ sheets of the domain's knowledge base, relative to the domain's folder. */
  knowledgeBase: z.array(z.string().min(1)).min(1).default(['kb.csv']),
  /** The business's own lexicon directory, relative to the domain's folder, if it has one. */
  vocabulary: z.string().min(1).optional(),
});

/**
 * One business the offline brain is measured on: its knowledge base and its labelled questions,
 * split once into a dev file (read while tuning) and a held-out file (only ever measured).
 */
export interface EvalDomain {
  /** The folder's name; also the knowledge base's name in the eval brain. */
  name: string;
  description: string;
  /** FAQ sheet paths, ready to open. */
  knowledgeBase: string[];
  /** The business's own lexicon directory, ready to open; most domains have none. */
  vocabularyDir?: string;
  dev: EvalItem[];
  /** Empty when the domains were loaded without it (`npm run eval -- --dev`): the file is not read. */
  heldOut: EvalItem[];
}

/**
 * The domains under `root`, one folder each (domain.json, dev.jsonl, heldout.jsonl), by name.
 * `heldOut: false` leaves the held-out files unread, for whoever tunes and must not see them.
 */
export async function loadEvalDomains(root = EVAL_DOMAINS_DIR, options: { heldOut?: boolean } = {}): Promise<EvalDomain[]> {
  const folders = (await readdir(root, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(folders.map((name) => loadEvalDomain(root, name, options.heldOut ?? true)));
}

async function loadEvalDomain(root: string, name: string, withHeldOut: boolean): Promise<EvalDomain> {
  const dir = join(root, name);
  const path = join(dir, 'domain.json');
  const parsed = domainFileSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
  if (!parsed.success) throw new ConfigError(`${path}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  const [dev, heldOut] = await Promise.all([
    loadEvalSet(join(dir, 'dev.jsonl')),
    withHeldOut ? loadEvalSet(join(dir, 'heldout.jsonl')) : Promise.resolve([]),
  ]);
  return {
    name,
    description: parsed.data.description,
    knowledgeBase: parsed.data.knowledgeBase.map((file) => join(dir, file)),
    ...(parsed.data.vocabulary !== undefined && { vocabularyDir: join(dir, parsed.data.vocabulary) }),
    dev,
    heldOut,
  };
}

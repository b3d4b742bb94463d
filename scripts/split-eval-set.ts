/**
 * Splits a new domain's labelled questions, once, into dev.jsonl and heldout.jsonl beside them
 * (stratified by intent, ordered by a hash of the text: see splitEvalSet). Run it when a domain is
 * added, commit the two files, and delete the input: from then on the held-out file is only
 * measured, never read while tuning.
 *   node --import tsx scripts/split-eval-set.ts eval/domains/<domain>/questions.jsonl
 */
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { loadEvalSet } from '../src/brain/evaluation/eval-set.ts';
import { splitEvalSet } from '../src/brain/evaluation/split.ts';

const input = process.argv[2];
if (!input) throw new Error('usage: scripts/split-eval-set.ts <questions.jsonl>');
const { dev, heldOut } = splitEvalSet(await loadEvalSet(input));
const jsonl = (items: object[]) =>
  items
    .map((item) => JSON.stringify(item))
    .join('\n')
    .concat('\n');
await writeFile(join(dirname(input), 'dev.jsonl'), jsonl(dev));
await writeFile(join(dirname(input), 'heldout.jsonl'), jsonl(heldOut));
console.log(`${input}: ${dev.length} dev, ${heldOut.length} held-out`);

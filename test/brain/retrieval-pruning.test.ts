import test from 'ava';
import { loadFaqCsvFile } from '../../src/brain/knowledge/faq-csv.ts';
import type { LexicalField } from '../../src/brain/retrieval/lexical-field.ts';
import { CedictGlosses } from '../../src/brain/retrieval/cedict-glosses.ts';
import { LexicalIndex, type LexicalIndexOptions } from '../../src/brain/retrieval/lexical-index.ts';
import { TextAnalyzer } from '../../src/brain/retrieval/text-analyzer.ts';
import type { IndexedChunk } from '../../src/brain/retrieval/types.ts';
import { DEMO_KB, passage, testAnalyzer } from './support/brain-fixtures.ts';
import { seededRandom } from '../support/seeded-random.ts';

/**
 * Dynamic pruning (max-score.ts) must rank exactly as scoring every chunk a question reaches. The
 * reference below is that exhaustive walk, written plainly: every posting of every query term,
 * each unit's score summed in float32 in the query's term order, a chunk's best key mixed with its
 * whole entry, ties to the chunk reached first.
 */

const ENTRY_WEIGHT = 0.7;

/**
 * Passages recombined from a few dozen answer sentences, so every term's postings are long and
 * many chunks score the same, with the FAQ entries among them, some twice (more ties, several
 * keys per chunk, whole-entry units).
 */
async function repetitiveCorpus(size: number): Promise<{ chunks: IndexedChunk[]; questions: string[] }> {
  const random = seededRandom(18);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const faq = await loadFaqCsvFile(DEMO_KB, 'test');
  const sentences = faq.flatMap((entry) => entry.answer!.split(/[。；]/).filter((s) => s.length > 4));
  const questions = faq.flatMap((entry) => entry.questions!);
  const chunks: IndexedChunk[] = [];
  while (chunks.length < size) {
    if (random() < 0.1) {
      chunks.push({ ...pick(faq), id: `faq-${chunks.length}` });
      continue;
    }
    const parts = Array.from({ length: 1 + Math.floor(random() * 3) }, () => `${pick(sentences)}。`);
    chunks.push(passage(`passage-${chunks.length}`, parts.join('')));
  }
  return { chunks, questions };
}

/** The keys LexicalIndex.build makes, in its order: a passage's text; an entry's questions, then its answer if answers are keys. */
function keyTexts(chunks: readonly IndexedChunk[], answersAreKeys: boolean): string[] {
  return chunks.flatMap((chunk) => (chunk.questions ? [...chunk.questions, ...(answersAreKeys ? [chunk.answer!] : [])] : [chunk.text]));
}

/** Every unit the query reaches and its float32 score, in the order first reached. */
function unitScores(
  field: LexicalField,
  query: ReturnType<TextAnalyzer['analyze']>,
  related: ReadonlyMap<string, number>,
): Map<number, number> {
  const scores = new Map<number, number>();
  for (const term of field.cursors(query, 1, related)) {
    for (let p = term.at; p < term.end; p++) {
      const unit = term.units[p]!;
      scores.set(unit, Math.fround((scores.get(unit) ?? 0) + term.weights[p]! * term.scale));
    }
  }
  return scores;
}

function exhaustiveSearch(index: LexicalIndex, analyzer: TextAnalyzer, keys: readonly string[], query: string, k: number) {
  const analyzed = analyzer.analyze(index.vocabulary.correct(TextAnalyzer.normalize(query)));
  const related = index.relatedWords(analyzed.words).words;
  const reached = new Map<number, { key: number; keyUnit: number; entry: number }>();
  const record = (chunk: number) => {
    let found = reached.get(chunk);
    if (!found) reached.set(chunk, (found = { key: 0, keyUnit: -1, entry: 0 }));
    return found;
  };
  for (const [unit, score] of unitScores(index.keys, analyzed, related)) {
    const found = record(index.keys.unitChunk[unit]!);
    const weighted = score * index.keys.unitWeight[unit]!;
    if (weighted > found.key) {
      found.key = Math.fround(weighted);
      found.keyUnit = unit;
    }
  }
  for (const [unit, score] of unitScores(index.entries, analyzed, related)) {
    record(index.entries.unitChunk[unit]!).entry = Math.fround(score * index.entries.unitWeight[unit]!);
  }
  const ranked = [...reached].map(([chunk, { key, keyUnit, entry }]) => {
    const faq = index.chunks[chunk]!.questions !== undefined;
    return {
      chunkId: index.chunks[chunk]!.id,
      score: faq ? (1 - ENTRY_WEIGHT) * key + ENTRY_WEIGHT * entry : key,
      matchedText: keyUnit >= 0 ? keys[keyUnit]! : (index.chunks[chunk]!.questions?.[0] ?? index.chunks[chunk]!.text),
      byEntryAlone: keyUnit < 0,
    };
  });
  // Array.prototype.sort is stable: equal scores stay in the order first reached.
  const top = ranked.sort((a, b) => b.score - a.score).slice(0, k);
  return {
    hits: top.map(({ chunkId, score, matchedText }) => ({ chunkId, score, matchedText })),
    byEntryAlone: top.filter((hit) => hit.byEntryAlone).length,
  };
}

/**
 * Questions with words the demo store's answers never use but CC-CEDICT relates to words they do
 * use (时限 / 期限, 选项 / 选择, 尺寸 / 尺码, 权利 / 权益), for the thesaurus's cursors.
 */
const COLLOQUIAL = ['订单付款有没有时限', '有货到付款这个选项吗', '尺寸不对能调换吗', '会员有什么权利'];

async function compareWithExhaustiveSearch(answerKeyWeight: number, thesaurus: LexicalIndexOptions = {}) {
  const { chunks, questions } = await repetitiveCorpus(2000);
  const analyzer = testAnalyzer({ pinyin: true });
  const index = LexicalIndex.build(chunks, analyzer, { entryWeight: ENTRY_WEIGHT, answerKeyWeight, ...thesaurus });
  const keys = keyTexts(chunks, answerKeyWeight > 0);
  const random = seededRandom(7);
  const queries = [
    ...questions,
    ...questions.map((q) => `${q}${questions[Math.floor(random() * questions.length)]}`),
    '运费',
    '顺丰',
    ...COLLOQUIAL,
  ];
  const mismatches: string[] = [];
  let ties = 0;
  let byEntryAlone = 0;
  let related = 0;
  for (const query of queries) {
    related += index.relatedWords(analyzer.analyze(index.vocabulary.correct(TextAnalyzer.normalize(query))).words).words.size;
    for (const k of [1, 10, 40]) {
      const expected = exhaustiveSearch(index, analyzer, keys, query, k);
      const actual = index.search(query, k).map(({ chunkId, score, matchedText }) => ({ chunkId, score, matchedText }));
      if (JSON.stringify(actual) !== JSON.stringify(expected.hits)) mismatches.push(`${query}, k = ${k}`);
      for (let i = 1; i < expected.hits.length; i++) if (expected.hits[i]!.score === expected.hits[i - 1]!.score) ties++;
      byEntryAlone += expected.byEntryAlone;
    }
  }
  return { queries: queries.length, mismatches, ties, byEntryAlone, related };
}

test('pruned search returns exactly the hits and scores of scoring every chunk the question reaches', async (t) => {
  const { queries, mismatches, ties } = await compareWithExhaustiveSearch(0.6);
  t.deepEqual(mismatches, []);
  // The corpus is meant to rank many chunks the same: a test without ties would not test their order.
  t.true(ties > queries, `${ties} ties`);
});

test('pruned search also ranks exactly the FAQ entries a question reaches only as a whole, when answers are not keys', async (t) => {
  const { mismatches, byEntryAlone } = await compareWithExhaustiveSearch(0);
  t.deepEqual(mismatches, []);
  t.true(byEntryAlone > 0, 'some hits are reached through their whole entry alone');
});

test('pruned search ranks exactly as the walk of every posting with the thesaurus matching related words too', async (t) => {
  const { mismatches, related } = await compareWithExhaustiveSearch(0.6, { glosses: CedictGlosses.shared, thesaurusWeight: 0.7 });
  t.deepEqual(mismatches, []);
  t.true(related > 0, 'some questions match related words');
});

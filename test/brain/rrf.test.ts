import test from 'ava';
import { rrf } from '../../src/brain/retrieval/rrf.ts';
import type { SearchHit } from '../../src/brain/retrieval/types.ts';
import { passage } from './support/brain-fixtures.ts';

const hits = (...ids: string[]): SearchHit[] =>
  ids.map((id, i) => ({ chunkId: id, score: 10 - i, chunk: passage(id, id), matchedText: id }));

test('a chunk ranked well by both retrievers beats one ranked first by only one', (t) => {
  const fused = rrf([hits('a', 'b', 'c'), hits('b', 'd', 'a')]);
  t.deepEqual(
    fused.map((h) => h.chunkId),
    ['b', 'a', 'd', 'c'],
  );
});

test('scores are Σ weight / (k + rank), independent of the input scores', (t) => {
  const [first] = rrf([hits('x'), hits('x')], { k: 60 });
  t.is(first?.score, 2 / 61);
});

test('weights favour one list', (t) => {
  const fused = rrf([hits('lexical'), hits('dense')], { weights: [1, 2] });
  t.is(fused[0]?.chunkId, 'dense');
});

test('a chunk repeated in one list counts once, at its best rank; limit cuts the result', (t) => {
  const fused = rrf([hits('a', 'a', 'b')], { k: 0 });
  t.is(fused.find((h) => h.chunkId === 'a')?.score, 1);
  t.is(rrf([hits('a', 'b', 'c')], { limit: 2 }).length, 2);
});

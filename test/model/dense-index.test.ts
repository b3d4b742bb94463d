import test from 'ava';
import { DenseIndex } from '../../src/brain/embeddings/dense-index.ts';

const chunk = (id: string) => ({ id, kbName: 'kb', documentId: 'doc', text: id, metadata: {} });

test('dense search returns the k nearest chunks by cosine, best first, whatever the vector lengths', (t) => {
  let seed = 7;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31 - 0.5;
  const dims = 7; // not a multiple of the unrolled loop's 4
  const entries = Array.from({ length: 300 }, (_, i) => ({
    chunk: chunk(`c${i}`),
    embedding: Array.from({ length: dims }, () => random() * (1 + (i % 5))),
  }));
  const index = DenseIndex.build(entries)!;
  const query = Array.from({ length: dims }, () => random());
  const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0) / Math.hypot(...a) / Math.hypot(...b);
  const expected = entries
    .map((e) => ({ id: e.chunk.id, score: cosine(query, e.embedding) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, 5);
  const hits = index.search(query, 5);
  t.deepEqual(
    hits.map((h) => h.chunkId),
    expected.map((e) => e.id),
  );
  for (const [i, h] of hits.entries()) t.true(Math.abs(h.score - expected[i]!.score) < 1e-5);
});

test('chunks without a vector, or with another length, are left out; no vectors means no dense index', (t) => {
  t.is(DenseIndex.build([{ chunk: chunk('a') }]), undefined);
  const index = DenseIndex.build([
    { chunk: chunk('a'), embedding: [1, 0] },
    { chunk: chunk('b') },
    { chunk: chunk('c'), embedding: [1, 0, 0] },
  ])!;
  t.is(index.size, 1);
  t.deepEqual(
    index.search([0, 3], 5).map((h) => h.chunkId),
    ['a'],
  );
  t.deepEqual(index.search([1, 0, 0], 5), [], 'a query of the wrong length finds nothing');
});

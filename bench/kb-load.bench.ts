/**
 * npm run bench:kb — how long a worker takes to (re)build a knowledge base's index from the
 * database, and what it costs in memory, at 50,000 chunks; with --dims, also the dense vectors
 * and a brute-force cosine query. Target: < 30 s from the database for 50,000 chunks.
 *   npm run bench:kb -- [--chunks 50000] [--dims 0] [--queries 200]
 * Uses DATABASE_URL when set (a scratch knowledge base, removed afterwards), else a throwaway PGlite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DenseIndex } from '../src/brain/embeddings/dense-index.ts';
import { loadFaqCsvFile } from '../src/brain/knowledge/faq-csv.ts';
import { KnowledgeIndexes } from '../src/brain/knowledge/knowledge-indexes.ts';
import { KnowledgeStore } from '../src/brain/knowledge/knowledge-store.ts';
import { buildLexicalIndex, createRetrievalContext, loadRetrievalSettings } from '../src/brain/load-offline-brain.ts';
import { connectDatabase } from '../src/db/connect.ts';
import { applyMigrations } from '../src/db/migrate.ts';

const { values } = parseArgs({
  options: {
    chunks: { type: 'string', default: '50000' },
    dims: { type: 'string', default: '0' },
    queries: { type: 'string', default: '200' },
  },
});
const chunkCount = Number(values.chunks);
const dims = Number(values.dims);
const kbName = `bench-${process.pid}`;

const scratch = process.env.DATABASE_URL ? undefined : mkdtempSync(join(tmpdir(), 'kefu-bench-'));
const database = await connectDatabase({ url: process.env.DATABASE_URL, pgliteDir: scratch && join(scratch, 'pglite') });
await applyMigrations(database);
const store = new KnowledgeStore(database.db);
const faq = await loadFaqCsvFile('config/kb/demo-store.csv', kbName);
const sentences = faq.flatMap((c) => c.answer!.split(/(?<=[。；])/)).filter(Boolean);
let seed = 42;
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
const vector = () => Array.from({ length: dims }, () => random() - 0.5);

console.log(`writing ${chunkCount} chunks${dims ? ` with ${dims}-dim vectors` : ''} to ${database.kind}…`);
let started = performance.now();
const documentId = await store.beginVersion({ kbName, name: 'bench', source: 'bench', contentHash: 'bench', format: 'text' });
for (let start = 0; start < chunkCount; start += 1000) {
  const batch = Array.from({ length: Math.min(1000, chunkCount - start) }, (_, i) => ({
    text: Array.from({ length: 3 }, () => sentences[Math.floor(random() * sentences.length)]).join('') + `（编号${start + i}）`,
    metadata: {},
    ...(dims > 0 && { embedding: vector() }),
  }));
  await store.addChunks(documentId, batch, dims > 0 ? 'bench-model' : undefined, start);
}
await store.activate(documentId);
console.log(`written in ${((performance.now() - started) / 1000).toFixed(1)} s`);

const settings = await loadRetrievalSettings('config/brain');
const context = await createRetrievalContext('config/brain', settings);
const heapBefore = process.memoryUsage().heapUsed;
const embedder = dims > 0 ? { model: 'bench-model', embedDocuments: async () => [], embedQuery: async () => vector() } : undefined;
const indexes = new KnowledgeIndexes({ store, embedder, buildLexical: (chunks) => buildLexicalIndex(chunks, context) });
started = performance.now();
await indexes.reload(kbName);
const buildSeconds = (performance.now() - started) / 1000;
const heapAfter = process.memoryUsage().heapUsed;
console.log(
  `index built from the database in ${buildSeconds.toFixed(1)} s (target < 30 s); heap +${((heapAfter - heapBefore) / 2 ** 20).toFixed(0)} MB`,
);

const queries = Number(values.queries);
const latencies: number[] = [];
for (let i = 0; i < queries; i++) {
  const query = sentences[i % sentences.length]!.slice(0, 12);
  const t0 = performance.now();
  await indexes.search(kbName, query, 5);
  latencies.push(performance.now() - t0);
}
latencies.sort((a, b) => a - b);
const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(2);
console.log(`${dims > 0 ? 'hybrid (lexical + dense)' : 'lexical'} search over ${chunkCount} chunks: p50 ${p(0.5)} ms, p95 ${p(0.95)} ms`);
if (dims > 0) console.log(`dense vectors: ${((chunkCount * dims * 4) / 2 ** 20).toFixed(0)} MB as Float32Array (${DenseIndex.name})`);

await store.removeKnowledgeBase(kbName);
await database.close();
if (scratch) rmSync(scratch, { recursive: true, force: true });

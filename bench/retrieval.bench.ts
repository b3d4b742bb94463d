/**
 * npm run bench:retrieval — index build time, query latency and memory of the lexical retriever.
 * The corpus is synthesized from the demo KB's sentences recombined with product names and
 * numbers, so term statistics look like a real store's documents (only more repetitive: a few
 * hundred sentences make every term's postings long, the slow case). Goals (issue 18): at 50,000
 * chunks build < 8 s and query p95 < 2 ms; at 500,000 chunks query p95 < 10 ms with the process's
 * peak RSS under 1.5 GB.
 *   npm run bench:retrieval -- [--chunks 50000] [--queries 2000]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadFaqCsvFile } from '../src/brain/knowledge/faq-csv.ts';
import { buildLexicalIndex, createRetrievalContext, loadRetrievalSettings } from '../src/brain/load-offline-brain.ts';
import type { IndexedChunk } from '../src/brain/retrieval/types.ts';
import { seededRandom } from '../test/support/seeded-random.ts';

const { values } = parseArgs({
  options: { chunks: { type: 'string', default: '50000' }, queries: { type: 'string', default: '2000' } },
});
const chunkCount = Number(values.chunks);
const queryCount = Number(values.queries);

const random = seededRandom(42);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

const PRODUCTS = [
  '保温杯',
  '电饭煲',
  '空气炸锅',
  '加湿器',
  '吹风机',
  '羽绒被',
  '乳胶枕',
  '收纳箱',
  '不粘锅',
  '扫地机器人',
  '电热水壶',
  '香薰机',
  '四件套',
  '拖鞋',
  '浴巾',
  '台灯',
  '咖啡机',
  '榨汁机',
  '行李箱',
  '雨伞',
];
const BRANDS = ['悦享', '暖居', '净界', '木语', '晨光', '素白', '青禾', '拾光'];

const faq = await loadFaqCsvFile('config/kb/demo-store.csv', 'bench');
const sentences = faq.flatMap((entry) => entry.answer!.split(/[。；]/).filter((s) => s.length > 4));
const questions = faq.flatMap((entry) => entry.questions!);

function synthesizeChunk(i: number): IndexedChunk {
  const product = `${pick(BRANDS)}${pick(PRODUCTS)}${100 + Math.floor(random() * 900)}型`;
  const parts = [`${product}：`];
  for (let n = 2 + Math.floor(random() * 3); n > 0; n--) parts.push(`${pick(sentences)}。`);
  parts.push(`售价${Math.floor(random() * 2000) + 9}元。`);
  return { id: `bench-${i}`, kbName: 'bench', documentId: `doc-${Math.floor(i / 20)}`, text: parts.join(''), metadata: {} };
}

const context = await createRetrievalContext('config/brain', await loadRetrievalSettings('config/brain'));
const corpus = Array.from({ length: chunkCount }, (_, i) => synthesizeChunk(i));
const queries = Array.from({ length: queryCount }, () => (random() < 0.5 ? pick(questions) : `${pick(PRODUCTS)}${pick(questions)}`));

const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const before = process.memoryUsage();
const buildStart = performance.now();
const buildCpuStart = process.cpuUsage();
const index = buildLexicalIndex(corpus, context);
const buildMs = performance.now() - buildStart;
const buildCpu = process.cpuUsage(buildCpuStart);
gc?.();
const after = process.memoryUsage();

for (const query of queries.slice(0, 200)) index.search(query, 10); // warm up the JIT
const queryCpuStart = process.cpuUsage();
const latencies = queries.map((query) => {
  const start = performance.now();
  index.search(query, 10);
  return performance.now() - start;
});
// Wall-clock percentiles include time other processes took the core; the mean CPU does not.
const queryCpu = process.cpuUsage(queryCpuStart);
latencies.sort((a, b) => a - b);
const percentile = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** The process's peak resident set so far (VmHWM, Linux), in bytes: what the machine must have. */
function peakRss(): number {
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  return kb === undefined ? process.memoryUsage().rss : Number(kb) * 1024;
}

const large = chunkCount >= 500_000;
const goals = large ? { p95: 10, peakRssMb: 1536 } : { buildS: 8, p95: 2 };
const result = {
  bench: 'retrieval',
  chunks: index.size,
  buildS: Number((buildMs / 1000).toFixed(2)),
  buildCpuS: Number(((buildCpu.user + buildCpu.system) / 1e6).toFixed(2)),
  p50: Number(percentile(50).toFixed(2)),
  p95: Number(percentile(95).toFixed(2)),
  p99: Number(percentile(99).toFixed(2)),
  cpuPerQuery: Number(((queryCpu.user + queryCpu.system) / 1000 / latencies.length).toFixed(3)),
  peakRssMb: Math.round(peakRss() / 2 ** 20),
  goals,
};
const goal = (text: string) => ` (goal ${text})`;
console.log(`chunks ${index.size}, queries ${latencies.length}`);
console.log(
  `index build      ${result.buildS.toFixed(2)} s, CPU ${result.buildCpuS.toFixed(2)} s${'buildS' in goals ? goal(`< ${goals.buildS} s`) : ''}`,
);
console.log(`query p50        ${result.p50.toFixed(2)} ms`);
console.log(`query p95        ${result.p95.toFixed(2)} ms${goal(`< ${goals.p95} ms`)}`);
console.log(`query p99        ${result.p99.toFixed(2)} ms`);
console.log(`query CPU        ${result.cpuPerQuery.toFixed(3)} ms per query (mean)`);
// Postings are typed arrays, which live outside the JS heap (arrayBuffers), so both are counted.
const indexBytes = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
console.log(`index memory     ≈ ${mb(indexBytes)} (heap + array buffers${gc ? '' : '; run node with --expose-gc for exact figures'})`);
console.log(`heap used        ${mb(after.heapUsed)}, array buffers ${mb(after.arrayBuffers)}`);
console.log(`rss              ${mb(after.rss)}, peak ${result.peakRssMb} MB${'peakRssMb' in goals ? goal(`< ${goals.peakRssMb} MB`) : ''}`);
console.log(`BENCH_RESULT ${JSON.stringify(result)}`);

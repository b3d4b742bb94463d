/**
 * A worker-role process whose brain takes BENCH_BRAIN_MS to answer (a slow model), reporting how
 * many turns it holds in flight, its RSS and where that memory is (V8 heap, buffers outside it)
 * every 250 ms as JSON lines. With BENCH_HEAP_SNAPSHOT set to a file name, it writes a heap
 * snapshot there the first time BENCH_HEAP_SNAPSHOT_AT turns are in flight: what each in-flight
 * conversation holds.
 */
import { writeHeapSnapshot } from 'node:v8';
import type { Brain, BrainDecision } from '../../src/brain/types.ts';
import { startService } from '../../src/composition.ts';
import { loadConfig } from '../../src/config/env.ts';

const delayMs = Number(process.env.BENCH_BRAIN_MS ?? 2000);
const snapshotFile = process.env.BENCH_HEAP_SNAPSHOT;
let snapshotAt = Number(process.env.BENCH_HEAP_SNAPSHOT_AT ?? Number.POSITIVE_INFINITY);
let inFlight = 0;
let maxInFlight = 0;
let answered = 0;
const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
let peak = { rssMb: 0, heapUsedMb: 0, externalMb: 0, atInFlight: 0 };
const brain: Brain = {
  async answer(): Promise<BrainDecision> {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    if (snapshotFile && inFlight >= snapshotAt) {
      writeHeapSnapshot(snapshotFile);
      snapshotAt = Number.POSITIVE_INFINITY;
    }
    await new Promise((r) => setTimeout(r, delayMs));
    inFlight--;
    answered++;
    return { kind: 'reply', text: '好的，已收到。', meta: {} };
  },
};
await startService(loadConfig(), 'worker', { brain });
setInterval(() => {
  const memory = process.memoryUsage();
  if (mb(memory.rss) > peak.rssMb)
    peak = { rssMb: mb(memory.rss), heapUsedMb: mb(memory.heapUsed), externalMb: mb(memory.external), atInFlight: inFlight };
  console.log(JSON.stringify({ inFlight, maxInFlight, answered, rssMb: mb(memory.rss), maxRssMb: peak.rssMb, peak }));
}, 250);

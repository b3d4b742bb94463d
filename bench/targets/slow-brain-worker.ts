/**
 * A worker-role process whose brain takes BENCH_BRAIN_MS to answer (a slow model), reporting how
 * many turns it holds in flight and its RSS every 250 ms as JSON lines.
 */
import type { Brain, BrainDecision } from '../../src/brain/types.ts';
import { startService } from '../../src/composition.ts';
import { loadConfig } from '../../src/config/env.ts';

const delayMs = Number(process.env.BENCH_BRAIN_MS ?? 2000);
let inFlight = 0;
let maxInFlight = 0;
let answered = 0;
let maxRss = 0;
const brain: Brain = {
  async answer(): Promise<BrainDecision> {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, delayMs));
    inFlight--;
    answered++;
    return { kind: 'reply', text: '好的，已收到。', meta: {} };
  },
};
await startService(loadConfig(), 'worker', { brain });
setInterval(() => {
  const rssMb = Math.round(process.memoryUsage().rss / 2 ** 20);
  maxRss = Math.max(maxRss, rssMb);
  console.log(JSON.stringify({ inFlight, maxInFlight, answered, rssMb, maxRssMb: maxRss }));
}, 250);

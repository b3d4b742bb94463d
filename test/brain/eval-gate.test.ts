import test from 'ava';
import { evalRun } from './support/eval-fixtures.ts';

/**
 * The regression gate: each domain's DEV figures as measured when the configuration was last
 * changed, written as counts of its questions (right of in scope, declined of out of scope, wrong
 * of all). Dev is the part tuning may read, so a change that lowers these has made the brain worse
 * on what it was built for. Held-out figures are not gated: pinning them would turn the held-out
 * part into a tuning target (issue #14); `npm run eval` reports them against the goals, and
 * docs/brain.md publishes them. Raise a floor when a change on dev earns it, never lower one to
 * let a change through.
 */
const DEV_FLOORS: Record<string, { hitAt1: number; outOfScopeRecall: number; wrongAnswerRate: number }> = {
  dental: { hitAt1: 28 / 53, outOfScopeRecall: 13 / 13, wrongAnswerRate: 0 / 66 },
  property: { hitAt1: 26 / 56, outOfScopeRecall: 12 / 13, wrongAnswerRate: 4 / 69 },
  school: { hitAt1: 21 / 53, outOfScopeRecall: 11 / 13, wrongAnswerRate: 5 / 66 },
  store: { hitAt1: 146 / 155, outOfScopeRecall: 32 / 32, wrongAnswerRate: 9 / 187 },
};

test('every domain has a dev floor', async (t) => {
  const { domains } = await evalRun();
  t.deepEqual(
    domains.map((d) => d.domain).filter((name) => !(name in DEV_FLOORS)),
    [],
  );
});

test('dev figures of every domain stay at or above the measured floors', async (t) => {
  for (const { domain, dev } of (await evalRun()).domains) {
    const floor = DEV_FLOORS[domain];
    if (!floor) continue;
    // The same counts over the same questions give the same quotient, so the comparison is exact.
    const { hitAt1, outOfScopeRecall, wrongAnswerRate } = dev.metrics;
    t.true(hitAt1 >= floor.hitAt1, `${domain} dev hit@1 ${hitAt1.toFixed(3)} < ${floor.hitAt1.toFixed(3)}`);
    t.true(
      outOfScopeRecall >= floor.outOfScopeRecall,
      `${domain} dev oos recall ${outOfScopeRecall.toFixed(3)} < ${floor.outOfScopeRecall.toFixed(3)}`,
    );
    t.true(
      wrongAnswerRate <= floor.wrongAnswerRate,
      `${domain} dev wrong answers ${wrongAnswerRate.toFixed(3)} > ${floor.wrongAnswerRate.toFixed(3)}`,
    );
  }
});

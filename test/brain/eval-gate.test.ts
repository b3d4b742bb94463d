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
//
// Issue #14 (learning the domain from each knowledge base) moved every floor once: the new domains'
// hit@1 rose (dental 28 → 36, property 26 → 33, school 21 → 29 of theirs), while the store lost
// what its own word lists had bought on its questions (domain words and other businesses' words,
// now gone): hit@1 146 → 139, out-of-scope 32 → 29, wrong 9 → 15; dental now answers 2 questions
// wrongly that it declined before (school 5 → 6). These are the figures measured on dev then.
// Merged with the entity check and question-backs, the store's dev hit@1 is 137 (two of its
// questions are now asked back, the right entry among the choices) and its wrong answers 12.
// Homophone typos read only where jieba found no word (issue #14): the store's hit@1 137 → 141 and
// wrong answers 12 → 10, dental's hit@1 36 → 37, property's 33 → 34 (floors one question under).
// Property's out-of-scope 13 → 12 and wrong 1 → 2 is one question, 「推荐一个搬家公司」: it was declined only
// because 推荐 was misread as 推 + 建议, a word that knowledge base lacks; read as written it shares
// 搬家 with the moving entry and is answered. The floor had been held by that bug, not earned.
// Characters one by one over whole FAQ entries, and a word's characters as part evidence of the
// domain (threshold unchanged): hit@1 dental 37 → 45, property 34 → 35, school 29 → 32, the store's
// 141 held and its out-of-scope 29 → 30; wrong answers dental 2 → 3 and property 2 → 3, each a
// question declined before whose right entry ranks second (下周六想过来看下牙齿 要提前约吗 gets the
// opening hours, 这个季度的管理费去哪里交 the water bill): eight more right answers for one wrong
// one in dental, one for one in property. Their wrong-answer floors follow the measurement; hit@1
// floors are one question under.
// The general thesaurus (CC-CEDICT, threshold unchanged): property's hit@1 35 → 38 (走廊 / 楼道,
// 卫生 / 保洁, 干活 / 工作), every other figure held; its floor is one question under.
const DEV_FLOORS: Record<string, { hitAt1: number; outOfScopeRecall: number; wrongAnswerRate: number }> = {
  dental: { hitAt1: 44 / 53, outOfScopeRecall: 13 / 13, wrongAnswerRate: 3 / 66 },
  property: { hitAt1: 37 / 56, outOfScopeRecall: 12 / 13, wrongAnswerRate: 3 / 69 },
  school: { hitAt1: 31 / 53, outOfScopeRecall: 12 / 13, wrongAnswerRate: 6 / 66 },
  store: { hitAt1: 140 / 155, outOfScopeRecall: 30 / 32, wrongAnswerRate: 10 / 187 },
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

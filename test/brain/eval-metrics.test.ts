import test from 'ava';
import type { EvalItem } from '../../src/brain/evaluation/eval-set.ts';
import { averageMetrics, missedTargets, type RankedLookup, scoreEval } from '../../src/brain/evaluation/evaluate.ts';

const ask = (question: string, expected: string | null): EvalItem => ({
  question,
  expected,
  intent: expected === null ? 'out_of_scope' : 'shipping',
});
const items = [ask('right', 'A'), ask('wrong entry', 'A'), ask('declined', 'A'), ask('oos declined', null), ask('oos answered', null)];
/** Hits best first, as entry:score; none weak, none naming a thing the others do not. */
const found = (...hits: string[]): RankedLookup => ({
  ranked: hits.map((hit) => {
    const [entry, score] = hit.split(':');
    return { entry: entry!, score: Number(score), weak: false, covered: [] };
  }),
});
const lookups = [found('A:0.5', 'B:0.4'), found('B:0.5', 'A:0.4'), found('A:0.1'), found('B:0.1'), found('B:0.5')];
const rules = { threshold: 0.3, askWithin: 0.9, maxOffers: 3 };

test('a wrong entry and an answered out-of-scope question are wrong answers; every decline is a handoff', (t) => {
  const m = scoreEval(items, lookups, rules);
  t.is(m.hitAt1, 1 / 3);
  t.is(m.mrr, (1 + 1 / 2 + 1) / 3);
  t.is(m.wrongAnswerRate, 2 / 5);
  t.is(m.handoffRate, 2 / 5);
  t.is(m.outOfScopeRecall, 1 / 2);
  t.is(m.outOfScopePrecision, 1 / 2);
  t.deepEqual(missedTargets(m), ['hitAt1', 'wrongAnswerRate', 'outOfScopeRecall']);
});

test('the average counts every domain once, whatever its size, and sums the question counts', (t) => {
  const small = scoreEval([items[0]!, items[3]!], [lookups[0]!, lookups[3]!], rules);
  const large = scoreEval(items, lookups, rules);
  const average = averageMetrics([small, large]);
  t.is(average.hitAt1, (1 + 1 / 3) / 2);
  t.is(average.inScope, 4);
  t.is(average.outOfScope, 3);
  t.deepEqual(missedTargets(small), []);
});

test('a question back is neither a hit, nor a wrong answer, nor a handoff; it counts as found when it offers the expected entry', (t) => {
  const ask = (entry: string, score: number, covered: string[]) => ({ entry, score, weak: false, covered });
  const asked = [
    // Two close entries, each naming a thing the other does not: the brain asks which was meant.
    { ranked: [ask('B', 0.5, ['积分']), ask('A', 0.48, ['发票'])] },
    { ranked: [ask('B', 0.5, ['积分']), ask('C', 0.48, ['会员'])] },
    { ranked: [ask('B', 0.5, ['积分']), ask('C', 0.48, ['会员'])] },
  ];
  const m = scoreEval([items[0]!, items[1]!, items[3]!], asked, rules);
  t.is(m.askRate, 1);
  t.is(m.hitAt1, 0);
  t.is(m.hitAfterAsk, 1 / 2, 'the first offers A, the second does not');
  t.is(m.wrongAnswerRate, 0);
  t.is(m.handoffRate, 0);
  t.is(m.outOfScopeRecall, 0, 'an out-of-scope question asked back was not declined');
});

test('an answer whose entry misses the thing the question names is scored as the brain declines it', (t) => {
  const weak = { ranked: [{ entry: 'B', score: 0.9, weak: true, covered: [] }] };
  const m = scoreEval([items[4]!], [weak], rules);
  t.is(m.wrongAnswerRate, 0);
  t.is(m.outOfScopeRecall, 1);
  t.is(m.handoffRate, 1);
});

import test from 'ava';
import type { EvalItem } from '../../src/brain/evaluation/eval-set.ts';
import { averageMetrics, missedTargets, scoreEval } from '../../src/brain/evaluation/evaluate.ts';

const ask = (question: string, expected: string | null): EvalItem => ({
  question,
  expected,
  intent: expected === null ? 'out_of_scope' : 'shipping',
});
const items = [ask('right', 'A'), ask('wrong entry', 'A'), ask('declined', 'A'), ask('oos declined', null), ask('oos answered', null)];
const lookups = [
  { ranked: ['A', 'B'], topScore: 0.5 },
  { ranked: ['B', 'A'], topScore: 0.5 },
  { ranked: ['A'], topScore: 0.1 },
  { ranked: ['B'], topScore: 0.1 },
  { ranked: ['B'], topScore: 0.5 },
];

test('a wrong entry and an answered out-of-scope question are wrong answers; every decline is a handoff', (t) => {
  const m = scoreEval(items, lookups, 0.3);
  t.is(m.hitAt1, 1 / 3);
  t.is(m.mrr, (1 + 1 / 2 + 1) / 3);
  t.is(m.wrongAnswerRate, 2 / 5);
  t.is(m.handoffRate, 2 / 5);
  t.is(m.outOfScopeRecall, 1 / 2);
  t.is(m.outOfScopePrecision, 1 / 2);
  t.deepEqual(missedTargets(m), ['hitAt1', 'wrongAnswerRate', 'outOfScopeRecall']);
});

test('the average counts every domain once, whatever its size, and sums the question counts', (t) => {
  const small = scoreEval([items[0]!, items[3]!], [lookups[0]!, lookups[3]!], 0.3);
  const large = scoreEval(items, lookups, 0.3);
  const average = averageMetrics([small, large]);
  t.is(average.hitAt1, (1 + 1 / 3) / 2);
  t.is(average.inScope, 4);
  t.is(average.outOfScope, 3);
  t.deepEqual(missedTargets(small), []);
});

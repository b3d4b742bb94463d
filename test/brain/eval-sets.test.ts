import test from 'ava';
import { splitEvalSet } from '../../src/brain/evaluation/split.ts';
import { evalDomains } from './support/eval-fixtures.ts';
import { nearDuplicates } from './support/near-duplicates.ts';

const domains = await evalDomains();

test('there are at least four domains: the demo store and three businesses of other kinds', (t) => {
  t.true(domains.length >= 4, domains.map((d) => d.name).join(', '));
  t.true(domains.some((d) => d.name === 'store'));
});

for (const domain of domains) {
  const all = [...domain.dev, ...domain.heldOut];

  test(`${domain.name}: a knowledge base of 25 entries or more and 100 questions or more, some out of scope`, (t) => {
    t.true(domain.entries.length >= 25, `${domain.entries.length} entries`);
    t.true(all.length >= 100, `${all.length} questions`);
    const outOfScope = all.filter((item) => item.expected === null).length;
    t.true(outOfScope >= 15, `${outOfScope} out of scope`);
    t.true(
      all.every((item) => (item.expected === null) === (item.intent === 'out_of_scope')),
      'out_of_scope is the intent of exactly the unlabelled questions',
    );
  });

  test(`${domain.name}: every label names an entry of the knowledge base`, (t) => {
    const entries = new Set(domain.entries.map((entry) => entry.questions![0]!));
    t.deepEqual(
      all.flatMap((item) => (item.expected !== null && !entries.has(item.expected) ? [item.expected] : [])),
      [],
    );
  });

  // The KB may gain similar questions the way a real author writes them, but never by copying eval
  // questions with a word changed: that would measure memory, not matching.
  test(`${domain.name}: no question copies or nearly copies a KB question`, (t) => {
    const keys = domain.entries.flatMap((entry) => entry.questions ?? []);
    t.deepEqual(
      nearDuplicates(
        all.map((item) => item.question),
        keys,
      ),
      [],
    );
  });

  test(`${domain.name}: dev and held-out are the deterministic split, disjoint, about 60/40 by intent`, (t) => {
    const again = splitEvalSet([...all].reverse());
    t.deepEqual(again.dev.map((i) => i.question).sort(), domain.dev.map((i) => i.question).sort());
    const devQuestions = new Set(domain.dev.map((item) => item.question));
    t.deepEqual(
      domain.heldOut.filter((item) => devQuestions.has(item.question)).map((item) => item.question),
      [],
    );
    t.is(new Set(all.map((item) => item.question)).size, all.length, 'no question is asked twice');
    for (const intent of new Set(all.map((item) => item.intent))) {
      const count = all.filter((item) => item.intent === intent).length;
      const inDev = domain.dev.filter((item) => item.intent === intent).length;
      t.true(Math.abs(inDev - count * 0.6) <= 1, `${intent}: ${inDev} of ${count} in dev`);
    }
  });
}

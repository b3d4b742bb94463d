import test from 'ava';
import { createRetrievalContext, loadRetrievalSettings } from '../../src/brain/load-offline-brain.ts';
import { groupSimilarQuestions } from '../../src/insights/group-similar-questions.ts';

const configDir = 'config/brain';

test('questions asking the same thing in other words are one group; a different question on the same topic is not', async (t) => {
  const { analyzer } = await createRetrievalContext(configDir, await loadRetrievalSettings(configDir));
  const asked = ['退货运费谁出', '退货的运费谁承担', '退货运费谁出', '退货要多久', '能开发票吗？', '可以开发票吗', '你们能开发票么'];
  const groups = groupSimilarQuestions(
    asked.map((text) => ({ text, knowledgeBase: 'default' })),
    (text) => analyzer.analyze(text),
  );
  t.deepEqual(
    groups.map((g) => ({ leader: g.leader, texts: g.items.map((i) => i.text).sort() })),
    [
      { leader: '退货运费谁出', texts: ['退货的运费谁承担', '退货运费谁出', '退货运费谁出'] },
      { leader: '能开发票吗？', texts: ['你们能开发票么', '可以开发票吗', '能开发票吗？'] },
      { leader: '退货要多久', texts: ['退货要多久'] },
    ],
  );
});

test('groups never span knowledge bases: an answer is added to one', async (t) => {
  const { analyzer } = await createRetrievalContext(configDir, await loadRetrievalSettings(configDir));
  const groups = groupSimilarQuestions(
    [
      { text: '能开发票吗', knowledgeBase: 'default' },
      { text: '能开发票吗', knowledgeBase: 'wholesale' },
    ],
    (text) => analyzer.analyze(text),
  );
  t.deepEqual(
    groups.map((g) => [g.knowledgeBase, g.items.length]),
    [
      ['default', 1],
      ['wholesale', 1],
    ],
  );
});

import test from 'ava';
import type { ConversationContext, CustomerMessage } from '../../src/brain/types.ts';
import { QuestionEntities } from '../../src/brain/question-entities.ts';
import type { IndexedChunk } from '../../src/brain/retrieval/types.ts';
import { CONFIG_DIR, demoBrain, faqEntry, testAnalyzer } from './support/brain-fixtures.ts';

const { brain } = await demoBrain();
const at = new Date('2025-01-01T10:00:00Z');
const conversation: ConversationContext = { conversationId: 1, customer: { id: 7, tags: [] }, knowledgeBase: 'default', history: [] };
const says = (text: string): CustomerMessage[] => [{ kind: 'text', text, at }];
const entities = await QuestionEntities.load(testAnalyzer(), `${CONFIG_DIR}/question-frame.txt`);
const cover = (question: string, entry: IndexedChunk) => entities.coverage(entities.contentWords(question), entry);
test('「X多少钱」 about a thing no entry mentions is not answered with the shipping fee: the bot says it knows nothing of X', async (t) => {
  for (const [question, thing] of [
    ['茶壶多少钱', '茶壶'],
    ['这个四件套多少钱', '四件套'],
    ['iPhone 15 多少钱', 'iphone'],
  ] as const) {
    const decision = await brain.answer(conversation, says(question));
    t.is(decision.kind, 'reply', question);
    t.is(decision.meta.decision, 'clarify', question);
    t.is(decision.meta.entryId, undefined, `${question} was answered`);
    t.deepEqual(decision.meta.missing, [thing], question);
    t.false(/满99元包邮/.test(decision.text), `${question} got the shipping fee`);
    t.true(decision.text.startsWith(`抱歉，我这里没有关于“${thing}”的信息。`), `${question}: ${decision.text}`);
    t.true(decision.text.endsWith('回复“人工”为您转接人工客服。'), question);
    const offered = decision.meta.offered as Array<{ question: string }>;
    t.false(
      offered.some((entry) => entry.question === '运费怎么收？'),
      `${question} offered the shipping fee as what was meant`,
    );
  }
});

test('a question naming a product is still answered by an entry that shares what it asks about', async (t) => {
  // The warranty entry names no product, but shares 保修 with the question: it answers it for any product.
  const warranty = await brain.answer(conversation, says('电饭煲保修几年'));
  t.is(warranty.meta.question, '商品保修多久？');
  t.regex(warranty.text, /保修1年/);
  const shipping = await brain.answer(conversation, says('运费多少钱'));
  t.is(shipping.meta.question, '运费怎么收？');
  const withThing = await brain.answer(conversation, says('买个茶壶运费多少钱'));
  t.is(withThing.meta.question, '运费怎么收？');
});

test('content words drop the question frame and stopwords, and read a run of unknown characters as one thing', (t) => {
  t.deepEqual(entities.contentWords('请问茶壶多少钱'), [{ word: '茶壶', thing: true }]);
  // A bare number is a fact about the customer's case, not a thing: 15 goes, iphone stays.
  t.deepEqual(entities.contentWords('iPhone 15 多少钱'), [{ word: 'iphone', thing: true }]);
  // jieba does not know 美白 and cuts it into 美 (a place) and 白 (an adjective): read back as one thing.
  t.deepEqual(entities.contentWords('牙齿美白多少钱'), [
    { word: '牙齿', thing: true },
    { word: '美白', thing: true },
  ]);
  // Verbs do not join a name: jieba cuts 到包邮 into 到, 包 (verbs) and 邮, and they stay apart.
  t.deepEqual(
    entities.contentWords('几天到包邮吗').map((w) => w.word),
    ['到', '包', '邮'],
  );
});

test('an entry covers a thing it names, a synonym of it, or most characters of a longer word', (t) => {
  const shipping = faqEntry('fee', ['运费怎么收？'], '满99元包邮。');
  t.deepEqual(cover('茶壶多少钱', shipping), { mentioned: [], covered: [], missing: ['茶壶'], frameOnly: true });
  // testAnalyzer's synonyms rewrite 邮费 to 运费, so the entry speaks of it.
  t.false(cover('邮费多少钱', shipping).frameOnly);
  const cooker = faqEntry('cooker', ['电饭煲保修多久？'], '整机保修1年。');
  t.deepEqual(cover('电饭锅坏了', cooker).missing, [], '电饭锅 shares two of three characters');
  t.deepEqual(cover('电话多少', faqEntry('e', ['电子发票在哪下载？'], '订单详情页。')).missing, ['电话'], '电子 is not 电话');
  const both = cover('茶壶运费多少钱', shipping);
  t.deepEqual(both.missing, ['茶壶']);
  t.false(both.frameOnly, 'it shares 运费: a fee for any product');
});

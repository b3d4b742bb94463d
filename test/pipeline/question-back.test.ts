import test from 'ava';
import { eq } from 'drizzle-orm';
import { messages } from '../../src/db/schema.ts';
import { startHarness } from '../support/wecom-service.ts';

test.serial('a customer asked which question they meant answers 「2」 over WeCom and gets that entry', async (t) => {
  const h = await startHarness({ database: 'postgres' });
  t.teardown(() => h.close());
  // Two questions in one message, each answered by another entry of the demo store.
  await h.sendText('qianqi', '退货地址在哪，运费谁出');
  const [asked] = await h.wecom.waitForDelivered(1);
  const lines = asked!.content.split('\n');
  t.is(lines[0], '您想问的是：');
  t.deepEqual(
    lines
      .slice(1, 3)
      .map((line) => line.slice(3))
      .sort(),
    ['退货寄到哪里？', '退货运费谁承担？'],
  );
  t.is(lines[3], '回复序号查看答案；回复“人工”为您转接人工客服。');

  // The offer travels in the stored reply's meta; the next turn reads it from the history.
  const second = lines[2]!.slice(3);
  await h.sendText('qianqi', '2');
  const [, answer] = await h.wecom.waitForDelivered(2);
  t.regex(answer!.content, second === '退货寄到哪里？' ? /退货地址和收件人/ : /运费由我们承担/);
  const stored = await h.service.db.select().from(messages).where(eq(messages.direction, 'out')).orderBy(messages.id);
  t.is(stored[0]!.meta?.decision, 'ask');
  t.is(stored.at(-1)!.meta?.chosenFromOffer, true);
});

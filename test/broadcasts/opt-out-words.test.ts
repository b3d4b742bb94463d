import test from 'ava';
import { isOptOut } from '../../src/broadcasts/opt-out.ts';

test('a whole message of 退订 or TD opts out, whatever the case, spaces and punctuation around it', (t) => {
  for (const text of ['退订', 'TD', 'td', ' TD。', '退订！', '取消订阅', 'Unsubscribe']) t.true(isOptOut(text), text);
});

test('a sentence that mentions the word is no request', (t) => {
  for (const text of ['我不想退订', '怎么退订', 'TDS', 'T D 退订', '回复TD退订是什么意思', '']) t.false(isOptOut(text), text);
});

import test from 'ava';
import { SmallTalk } from '../../src/brain/smalltalk/small-talk.ts';
import { CONFIG_DIR } from './support/brain-fixtures.ts';

const smallTalk = await SmallTalk.load(`${CONFIG_DIR}/smalltalk.json`);

test('greetings, thanks and acknowledgements alone are small talk', (t) => {
  t.is(smallTalk.classify('你好').kind, 'greeting');
  t.is(smallTalk.classify('亲，在吗？').kind, 'greeting');
  t.is(smallTalk.classify('谢谢你啊！').kind, 'thanks');
  t.is(smallTalk.classify('好的谢谢').kind, 'thanks');
  t.is(smallTalk.classify('嗯嗯 好的').kind, 'acknowledgement');
  t.truthy(smallTalk.classify('你好').reply);
});

test('a greeting around a question is cut off and the question kept', (t) => {
  t.deepEqual(smallTalk.classify('你好，能开发票吗'), { question: '能开发票吗' });
  t.deepEqual(smallTalk.classify('您好请问能开发票吗'), { question: '能开发票吗' });
  t.deepEqual(smallTalk.classify('发货了吗，谢谢'), { question: '发货了吗' });
});

test('a one-character phrase or an acknowledgement is never cut off a question', (t) => {
  t.deepEqual(smallTalk.classify('收到的杯子碎了'), { question: '收到的杯子碎了' });
  t.deepEqual(smallTalk.classify('好久没更新了'), { question: '好久没更新了' });
  t.deepEqual(smallTalk.classify('银行卡没收到退款'), { question: '银行卡没收到退款' });
});

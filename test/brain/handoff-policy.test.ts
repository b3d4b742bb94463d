import test from 'ava';
import { HandoffPolicy } from '../../src/brain/handoff/handoff-policy.ts';
import { loadHandoffRules } from '../../src/brain/handoff/handoff-rules.ts';
import { CONFIG_DIR } from './support/brain-fixtures.ts';

const policy = new HandoffPolicy(await loadHandoffRules(`${CONFIG_DIR}/handoff.json`));
const check = (text: string, options: { tags?: string[]; agentHasReplied?: boolean } = {}) =>
  policy.check({ text, customerTags: options.tags ?? [], agentHasReplied: options.agentHasReplied ?? false });

test('asking for a person hands off as customer_asked', (t) => {
  for (const text of ['转人工', '我要人工客服', '能不能找客服', '给我接个真人']) {
    t.is(check(text)?.reason, 'customer_asked', text);
  }
});

test('a question about the service desk is not a request for a person', (t) => {
  t.is(check('人工客服几点上班'), null);
  t.is(check('人工客服电话是多少'), null);
});

test('legal threats and account security are sensitive, with the intent named', (t) => {
  t.deepEqual(check('再不处理我就找律师起诉你们')?.detail.intent, 'legal');
  t.deepEqual(check('我的账号被盗了')?.detail.intent, 'account_security');
  t.is(check('我的账号被盗了')?.reason, 'sensitive');
});

test('a refund is sensitive only above the configured amount', (t) => {
  const large = check('我要退款2999元');
  t.is(large?.reason, 'sensitive');
  t.is(large?.detail.intent, 'large_refund');
  t.is(large?.detail.amount, 2999);
  t.is(check('退款¥1,500怎么还没到')?.detail.amount, 1500);
  t.is(check('我要退款99块'), null);
});

test('an order or phone number is not read as a refund amount', (t) => {
  t.is(check('订单2024112512345678退款进度'), null);
});

test('complaints and strong negative words hand off as complaint', (t) => {
  for (const text of ['我要投诉你们', '再这样我去12315', '什么垃圾服务', '你们就是骗子']) {
    t.is(check(text)?.reason, 'complaint', text);
  }
  t.is(check('你们卖垃圾袋吗'), null);
});

test('a VIP customer goes to a person, until an agent has already replied', (t) => {
  const flag = check('你好', { tags: ['VIP'] });
  t.is(flag?.reason, 'vip');
  t.is(flag?.detail.tag, 'VIP');
  t.is(check('你好', { tags: ['vip'], agentHasReplied: true }), null);
  t.is(check('你好', { tags: ['新客'] }), null);
});

test('the customer asking for a person wins over other rules', (t) => {
  t.is(check('投诉！转人工', { tags: ['VIP'] })?.reason, 'customer_asked');
});

test('low confidence hands off from the configured streak on', (t) => {
  t.is(policy.checkLowConfidence(1), null);
  const flag = policy.checkLowConfidence(2);
  t.is(flag?.reason, 'low_confidence');
  t.is(flag?.detail.streak, 2);
  t.true((flag?.text.length ?? 0) > 0);
});

test('an ordinary question raises no flag', (t) => {
  t.is(check('运费怎么算'), null);
});

test('「人工」 or 「客服」 as the whole message asks for a person; inside another question it does not', (t) => {
  for (const text of ['人工', '人工！', ' 客服 ']) t.is(check(text)?.reason, 'customer_asked', text);
  t.is(check('人工费多少'), null);
  t.is(check('客服态度很好'), null);
});

test('a company’s own rules replace handoff.json’s keywords, switch rules off and change repeated misses, from the next check on', async (t) => {
  const own = new HandoffPolicy(await loadHandoffRules(`${CONFIG_DIR}/handoff.json`));
  const sensitive = own.sensitiveIntents;
  own.follow({ keywords: ['找店长'], unless: ['店长推荐'], intents: { legal: false, complaint: false, vip: false }, repeatedMisses: 0 });
  const ownCheck = (text: string, tags: string[] = []) => own.check({ text, customerTags: tags, agentHasReplied: false });
  t.is(ownCheck('帮我找店长')?.reason, 'customer_asked');
  t.is(ownCheck('找店长推荐的款'), null, 'an unless phrase of the company’s');
  t.is(ownCheck('转人工'), null, 'a keyword the company removed');
  t.is(ownCheck('人工')?.reason, 'customer_asked', 'handoff.json’s exact words stay: the clarify offer names them');
  t.is(ownCheck('再不处理我就找律师起诉你们'), null);
  t.is(ownCheck('我的账号被盗了')?.detail.intent, 'account_security', 'a rule left on');
  t.is(ownCheck('我要投诉'), null);
  t.is(ownCheck('你好', ['VIP']), null);
  t.is(own.checkLowConfidence(50), null, '0 = never by misses alone');
  t.false(sensitive.has('legal'), 'the model brain’s map, held since before, follows');
  t.true(sensitive.has('account_security'));
});

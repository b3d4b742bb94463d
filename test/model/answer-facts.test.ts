import test from 'ava';
import { extractFacts, numeralValue, supportedKeys, unsupportedFacts } from '../../src/brain/model/answer-facts.ts';

const keys = (text: string) => extractFacts(text).map((fact) => fact.key);

test('prices are one fact however the currency and the digits are written', (t) => {
  for (const price of ['¥99', '￥99.00', '99元', '９９元', '99块', '九十九元', 'RMB 99'])
    t.deepEqual(keys(`价格${price}`), ['num:99'], price);
  t.deepEqual(keys('套餐1,299元，另付1.5万押金'), ['num:1299', 'num:15000']);
  t.deepEqual(keys('满5000打9.5折，或减10%'), ['num:5000', 'num:9.5', 'num:10']);
});

test('dates in ISO, slashed and Chinese forms share a key; a date without a year or day keeps what it names', (t) => {
  for (const date of [
    '2026-11-29',
    '2026/11/29',
    '2026.11.29',
    '2026年11月29日',
    '2026年11月29号',
    '２０２６年１１月２９日',
    '二〇二六年十一月二十九日',
  ])
    t.deepEqual(keys(`${date}开始`), ['date:2026-11-29'], date);
  t.deepEqual(keys('11月29日前'), ['date:-11-29']);
  t.deepEqual(keys('2026年3月起'), ['date:2026-3-']);
});

test('times of day: 9:00, 9点 and 上午九点 are one; 下午6点 is 18:00; 快一点 is no time', (t) => {
  t.deepEqual(keys('9:00到18：00'), ['time:9:00', 'time:18:00']);
  t.deepEqual(keys('上午九点到下午6点半'), ['time:9:00', 'time:18:30']);
  t.deepEqual(keys('晚上8点30分'), ['time:20:30']);
  t.deepEqual(keys('请您快一点确认，有一点麻烦'), []);
});

test('phone numbers, URLs and identifiers are facts of their own, not strings of numbers', (t) => {
  t.deepEqual(keys('致电400-820-1234或138 0013 8000'), ['phone:4008201234', 'phone:13800138000']);
  t.deepEqual(keys('+86 13800138000'), ['phone:13800138000']);
  t.deepEqual(keys('座机021-62345678'), ['phone:02162345678']);
  t.deepEqual(keys('详见 https://www.Example.com/help/ 或 shop.example.cn'), ['url:example.com/help', 'url:shop.example.cn']);
  t.deepEqual(keys('订单DD20241111001已发出'), ['id:DD20241111001']);
});

test('a lone 一 and list markers are words, not quantities; Chinese numerals count before a unit', (t) => {
  t.deepEqual(keys('1. 打开App\n2、点击我的\n稍等一下，统一处理'), []);
  t.deepEqual(keys('七天无理由，两年保修，十五个工作日'), ['num:7', 'num:2', 'num:15']);
  t.deepEqual(keys('一个问题'), []);
});

test('numeral values', (t) => {
  t.is(numeralValue('十五'), 15);
  t.is(numeralValue('一百二十'), 120);
  t.is(numeralValue('两万三千'), 23000);
  t.is(numeralValue('二〇二六'), 2026);
  t.is(numeralValue('十'), 10);
});

test('passages support their facts in any form, dates also without year or day, and every number in them', (t) => {
  const supported = supportedKeys(['营业时间2026年11月29日起 9:00-18:00，退货7天内，客服电话400-820-1234，运费十元。']);
  for (const key of [
    'date:2026-11-29',
    'date:-11-29',
    'date:2026-11-',
    'time:9:00',
    'num:7',
    'num:10',
    'num:9',
    'num:400',
    'phone:4008201234',
  ])
    t.true(supported.has(key), key);
  t.false(supported.has('num:8'));
});

test('an answer is held to its passages: a changed price, a new URL or phone, another date are unsupported', (t) => {
  const passages = ['现货商品付款后48小时内发货，运费10元，满99元包邮。活动截至2026年12月31日。'];
  t.deepEqual(unsupportedFacts('付款后48小时内发货，满九十九元包邮，运费￥10。', passages), []);
  t.deepEqual(unsupportedFacts('活动到12月31号结束', passages), []);
  const wrong = unsupportedFacts('满199元包邮，详情见 www.fake-shop.com 或拨打13900001111，活动到2027-01-31', passages);
  t.deepEqual(
    wrong.map((f) => f.kind),
    ['url', 'phone', 'date', 'number'],
  );
});

test('identifiers and phone numbers the customer wrote may be said back; a price the customer suggested may not', (t) => {
  const passages = ['运费10元。'];
  const customer = '我的订单DD20241111001，电话13800138000，运费是不是5元？';
  t.deepEqual(unsupportedFacts('订单DD20241111001的运费为10元，我们会致电13800138000', passages, customer), []);
  t.deepEqual(
    unsupportedFacts('是的，运费5元', passages, customer).map((f) => f.key),
    ['num:5'],
  );
});

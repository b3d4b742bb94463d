import test from 'ava';
import { answeringSentences, passageSentences } from '../../src/brain/knowledge/answering-sentences.ts';

const chunk = (text: string, heading?: string) => ({ text, metadata: heading ? { heading } : {} });

test('a Markdown chunk answers with the sentence that answers, without its heading trail', (t) => {
  const passage = chunk(
    '售后政策 > 退货\n签收后7天内可申请无理由退货，商品需保持完好。定制商品不支持无理由退货。质量问题的退货运费由我们承担，其他情况由买家承担。',
    '售后政策 > 退货',
  );
  const shipping = answeringSentences(passage, '退货运费谁出');
  t.is(shipping?.text, '质量问题的退货运费由我们承担，其他情况由买家承担。');
  t.deepEqual([shipping?.taken, shipping?.of], [1, 3]);
  t.is(answeringSentences(passage, '定制的东西能退吗')?.text, '定制商品不支持无理由退货。');
  t.notRegex(answeringSentences(passage, '售后政策')!.text, /售后政策 >/);
});

test('a PDF page: heading lines and page numbers are dropped, wrapped lines are joined into their sentence', (t) => {
  const page = chunk(
    '以旧换新\n购买新冰箱或洗衣机时，可以把同类旧家电交给我们折价\n回收，最高抵扣300元。\n回收师傅在送新机时上门搬走旧机，不另收搬运费。\n会员日\n每月18日是会员日，会员全场商品九折。\n第 2 页',
  );
  t.deepEqual(
    passageSentences(page).map((s) => s.text),
    [
      '购买新冰箱或洗衣机时，可以把同类旧家电交给我们折价回收，最高抵扣300元。',
      '回收师傅在送新机时上门搬走旧机，不另收搬运费。',
      '每月18日是会员日，会员全场商品九折。',
    ],
  );
  t.is(answeringSentences(page, '会员日是几号')?.text, '每月18日是会员日，会员全场商品九折。');
  t.is(answeringSentences(page, '旧冰箱能折价吗')?.text, '购买新冰箱或洗衣机时，可以把同类旧家电交给我们折价回收，最高抵扣300元。');
});

test('a sentence that introduces a list brings its items; one that leans on the sentence before brings that one', (t) => {
  const passage = chunk(
    '办理入学需要准备以下材料：\n1. 身份证原件\n2. 近期一寸照片两张\n3. 报名费收据\n周末不办理入学手续。\n报名费一经缴纳概不退还。但开课前因病无法上课的，可凭医院证明全额退款。',
  );
  t.is(
    answeringSentences(passage, '入学要带什么材料')?.text,
    '办理入学需要准备以下材料：\n1. 身份证原件\n2. 近期一寸照片两张\n3. 报名费收据',
  );
  t.is(answeringSentences(passage, '生病了能退款吗')?.text, '报名费一经缴纳概不退还。但开课前因病无法上课的，可凭医院证明全额退款。');
});

test('a traditional-character or full-width question finds the same sentence', (t) => {
  const passage = chunk('营业时间为每天10:00至22:00。发票可在订单详情页申请电子发票。');
  t.is(answeringSentences(passage, '發票怎麼開')?.text, '发票可在订单详情页申请电子发票。');
  t.is(answeringSentences(passage, '几点营业到２２点吗')?.text, '营业时间为每天10:00至22:00。');
});

test('a passage that is only a heading has no sentence to give', (t) => {
  t.is(answeringSentences(chunk('售后政策'), '售后'), undefined);
});

import { randomBytes } from 'node:crypto';
import test, { type ExecutionContext } from 'ava';
import { eq } from 'drizzle-orm';
import { sealForReceiver } from '../../../src/channels/shared/wxbiz-msg-crypt.ts';
import { answerFeedback, conversations, customers, deliveries, messages } from '../../../src/db/schema.ts';
import { type ChatRequest, FakeOpenAiApi } from '../../../src/simulator/fake-openai-api.ts';
import { FakeAibotWebhook } from '../../../src/simulator/fake-aibot-webhook.ts';
import { aibotKeys, aibotWebhookEnv, fetchedPicture } from '../../support/aibot-service.ts';
import { callJson, signedInStaff } from '../../support/console-api.ts';
import { groundedAnswer } from '../../support/model-brain.ts';
import { ScriptedBrain } from '../../support/scripted-brain.ts';
import { HANDOFF_TEXT, handoffBrain } from '../../support/staff-members.ts';
import { eventually, type HarnessOptions, startHarness } from '../../support/wecom-service.ts';

const ANSWER = '您好，现货商品付款后48小时内发货，预售商品以页面说明为准，发货后可在订单详情里查看物流信息。';

async function streamingModel(): Promise<FakeOpenAiApi> {
  const fake = new FakeOpenAiApi();
  await fake.listen();
  fake.chunkDelayMs = 80;
  fake.onChat = (request: ChatRequest) => (request.tools ? groundedAnswer(request, { answer: ANSWER }) : { text: '摘要' });
  return fake;
}

/** WeCom's side of a webhook-mode bot faked on loopback, and the service it calls back; both closed after the test. */
async function webhookBot(t: ExecutionContext, options: Pick<HarnessOptions, 'brain' | 'env'> = {}) {
  const wecom = new FakeAibotWebhook(aibotKeys);
  await wecom.listen();
  const h = await startHarness({
    database: 'postgres',
    brain: options.brain,
    env: { ...aibotWebhookEnv(), COALESCE_WINDOW_MS: '0', ...options.env },
  });
  t.teardown(async () => {
    await h.close();
    await wecom.close();
  });
  return { wecom, h };
}

test.serial(
  'an answer streams in several refreshes, each the whole answer so far, and the last finishes it with the stored reply',
  async (t) => {
    const model = await streamingModel();
    t.teardown(() => model.close());
    const { wecom, h } = await webhookBot(t, { env: { LLM_BASE_URL: model.baseUrl, LLM_MODEL: 'fake-model', LLM_MAX_RETRIES: '0' } });

    const { status, frames } = await wecom.ask(
      `${h.baseUrl}/callbacks/wecom-aibot/default`,
      { from: 'zhangsan', text: '多久发货' },
      { refreshMs: 40 },
    );
    t.is(status, 200);
    t.true(new Set(frames.map((f) => f.id)).size === 1, 'every refresh answers the one stream');
    t.is(frames[0]!.content, '', 'the first reply only opens the stream');
    const last = frames[frames.length - 1]!;
    t.true(last.finish);
    t.is(last.content, ANSWER);
    const growing = [...new Set(frames.slice(0, -1).map((f) => f.content))].filter((c) => c !== '');
    t.true(growing.length >= 2, `drafts seen before the end: ${JSON.stringify(growing)}`);
    t.true(
      growing.every((c, i) => ANSWER.startsWith(c) && (i === 0 || c.length > growing[i - 1]!.length)),
      'each refresh shows a longer beginning of the answer, never only the new part',
    );
    t.true(frames.slice(0, -1).every((f) => !f.finish));
    const stored = await h.service.db.select().from(messages).where(eq(messages.direction, 'out'));
    t.deepEqual(
      stored.map((m) => [m.text, m.status]),
      [[ANSWER, 'sent']],
    );
  },
);

test.serial('in a group only a message that @-mentions the bot is answered, in a conversation of that group and that user', async (t) => {
  const { wecom, h } = await webhookBot(t, { brain: new ScriptedBrain() });
  const url = `${h.baseUrl}/callbacks/wecom-aibot/default`;

  const unaddressed = await wecom.post(url, wecom.messageOf({ from: 'lisi', chatid: 'wrGroup1', text: '大家中午吃什么' }));
  t.is(unaddressed.status, 200);
  t.is(unaddressed.reply, undefined, 'no stream is opened for a message not meant for the bot');

  const asked = await wecom.ask(url, { from: 'lisi', chatid: 'wrGroup1', text: '@客服助手 怎么退货' }, { refreshMs: 40, giveUpMs: 15_000 });
  t.is(asked.frames.at(-1)!.content, '答：怎么退货', 'the mention is not part of the question');
  t.true(asked.frames.at(-1)!.finish);
  const other = await wecom.ask(url, { from: 'wangwu', chatid: 'wrGroup1', text: '@客服助手 发票' }, { refreshMs: 40, giveUpMs: 15_000 });
  t.is(other.frames.at(-1)!.content, '答：发票', 'another member of the group has a conversation of their own');

  const inbound = await h.service.db.select().from(messages).where(eq(messages.direction, 'in'));
  t.deepEqual(inbound.map((m) => m.text).sort(), ['发票', '怎么退货'], 'the message without @ was not stored');
  const asking = await h.service.db.select({ externalId: customers.externalId }).from(customers);
  t.deepEqual(asking.map((c) => c.externalId).sort(), ['group:wrGroup1:lisi', 'group:wrGroup1:wangwu']);
});

test.serial('a reply longer than a stream holds ends the stream with its first part and continues through response_url', async (t) => {
  const long = `${'这是一段很长的说明。'.repeat(800)}最后一句。`;
  const { wecom, h } = await webhookBot(t, { brain: new ScriptedBrain({ decide: () => ({ kind: 'reply', text: long, meta: {} }) }) });

  const { frames } = await wecom.ask(
    `${h.baseUrl}/callbacks/wecom-aibot/default`,
    { from: 'zhaoliu', text: '说明书' },
    { refreshMs: 40, giveUpMs: 15_000 },
  );
  const last = frames.at(-1)!;
  t.true(last.finish);
  t.true(Buffer.byteLength(last.content) <= 20_480, `stream content is ${Buffer.byteLength(last.content)} bytes`);
  const deadline = Date.now() + 10_000;
  while (wecom.lateAnswers.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  t.is(wecom.lateAnswers.length, 1);
  t.is(`${last.content}${wecom.lateAnswers[0]!.content}`, long, 'nothing lost or repeated between the two');
});

test.serial('WeCom verifies the URL, and enter_chat is answered with the welcome at once', async (t) => {
  const { wecom, h } = await webhookBot(t, { brain: new ScriptedBrain() });
  const url = `${h.baseUrl}/callbacks/wecom-aibot/default`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const echo = sealForReceiver(wecom.keys, 'echo-1234', timestamp, 'n0nce');
  const verify = await fetch(
    `${url}?${new URLSearchParams({ msg_signature: echo.msgSignature, timestamp, nonce: 'n0nce', echostr: echo.encrypted })}`,
  );
  t.is(verify.status, 200);
  t.is(await verify.text(), 'echo-1234');

  const started = Date.now();
  const welcome = await wecom.event(url, 'zhangsan', 'enter_chat');
  t.true(Date.now() - started < 5000);
  t.deepEqual(welcome.reply, { msgtype: 'text', text: { content: aibotWebhookEnv().WECOM_AIBOT_WELCOME_TEXT } });

  const forged = await fetch(`${url}?msg_signature=bad&timestamp=${timestamp}&nonce=x`, { method: 'POST', body: '{"encrypt":"abc"}' });
  t.is(forged.status, 401);
});

test.serial('the answer ends with a card: 👍 is stored against that answer, 转人工 hands the conversation to a person', async (t) => {
  const { wecom, h } = await webhookBot(t, { brain: handoffBrain() });
  const url = `${h.baseUrl}/callbacks/wecom-aibot/default`;

  const { reply } = await wecom.ask(url, { from: 'sunqi', text: '保修多久' }, { refreshMs: 40, giveUpMs: 15_000 });
  if (!reply || !('msgtype' in reply) || reply.msgtype !== 'stream_with_template_card')
    return t.fail(`the finish came without a card: ${JSON.stringify(reply)}`);
  const buttons = reply.template_card.button_list as Array<{ text: string; key: string }>;
  t.deepEqual(
    buttons.map((b) => b.text),
    ['👍 有帮助', '👎 没帮助', '转人工'],
  );
  const [answer] = await h.service.db.select().from(messages).where(eq(messages.direction, 'out'));
  const taskId = String(reply.template_card.task_id);

  const up = buttons.find((b) => b.text.startsWith('👍'))!;
  const rated = await wecom.event(url, 'sunqi', 'template_card_event', {
    template_card_event: { card_type: 'button_interaction', event_key: up.key, task_id: taskId },
  });
  t.like(rated.reply, { response_type: 'update_template_card', template_card: { task_id: taskId } });
  const voteOn = async () => (await h.service.db.select().from(answerFeedback).where(eq(answerFeedback.messageId, answer!.id)))[0];
  t.like(await voteOn(), { rating: 'up', source: 'wecom-aibot' });

  // Another user cannot rate someone else's answer.
  await wecom.event(url, 'intruder', 'template_card_event', {
    template_card_event: { card_type: 'button_interaction', event_key: up.key.replace(':up:', ':down:'), task_id: taskId },
  });
  t.like(await voteOn(), { rating: 'up' }, 'unchanged');

  const handoff = buttons.find((b) => b.text === '转人工')!;
  await wecom.event(url, 'sunqi', 'template_card_event', {
    template_card_event: { card_type: 'button_interaction', event_key: handoff.key, task_id: taskId },
  });
  const deadline = Date.now() + 15_000;
  let status = '';
  while (status !== 'needs_human' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    const [conversation] = await h.service.db.select({ status: conversations.status }).from(conversations);
    status = conversation?.status ?? '';
  }
  t.is(status, 'needs_human');
});

test.serial('in webhook mode an agent’s reply during a handoff goes to the response_url of the user’s last message, once', async (t) => {
  const { wecom, h } = await webhookBot(t, { brain: handoffBrain() });
  const asked = await wecom.ask(
    `${h.baseUrl}/callbacks/wecom-aibot/default`,
    { from: 'qianjiu', text: '转人工' },
    { refreshMs: 40, giveUpMs: 15_000 },
  );
  t.is(asked.frames.at(-1)!.content, HANDOFF_TEXT);

  const [conversation] = await h.service.db.select().from(conversations);
  const agent = await signedInStaff(h.baseUrl, h.service.db, 'agent@example.com', 'agent');
  t.is((await callJson(h.baseUrl, agent, 'POST', `/api/conversations/${conversation!.id}/assign`, { assignee: 'me' })).status, 204);
  t.is(
    (await callJson(h.baseUrl, agent, 'POST', `/api/conversations/${conversation!.id}/messages`, { text: '您好，我是客服小王' })).status,
    201,
  );
  const deadline = Date.now() + 15_000;
  while (wecom.lateAnswers.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  t.deepEqual(
    wecom.lateAnswers.map((a) => a.content),
    ['您好，我是客服小王'],
  );

  // The URL is spent: a second reply has no way to the user until they write again.
  t.is((await callJson(h.baseUrl, agent, 'POST', `/api/conversations/${conversation!.id}/messages`, { text: '还在吗？' })).status, 201);
  const failed = await eventually(
    async () => (await h.service.db.select().from(deliveries).where(eq(deliveries.status, 'failed')))[0],
    15_000,
    'the second reply recorded as undeliverable',
  );
  t.is(failed.lastErrorCode, 'wecom-aibot:no_reply_path');
  t.is(wecom.lateAnswers.length, 1);
});

test.serial(
  'in webhook mode a picture is fetched after the ack, decrypted with the bot’s EncodingAESKey and stored like a web upload',
  async (t) => {
    const { wecom, h } = await webhookBot(t, { brain: new ScriptedBrain() });
    const picture = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(777)]);
    const image = wecom.imageOf('liuer', picture);
    t.is((await wecom.post(`${h.baseUrl}/callbacks/wecom-aibot/default`, image)).status, 200);
    const { mediaError, upload } = await fetchedPicture(h, String(image.msgid));
    t.is(mediaError, undefined);
    t.like(upload, { owner: 'liuer', kind: 'image', contentType: 'image/jpeg' });
    t.true(Buffer.from(upload!.bytes).equals(picture));
  },
);

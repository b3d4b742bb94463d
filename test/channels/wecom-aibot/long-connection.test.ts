import { randomBytes } from 'node:crypto';
import test, { type ExecutionContext } from 'ava';
import { eq } from 'drizzle-orm';
import { answerFeedback, conversations, messages } from '../../../src/db/schema.ts';
import { FakeAibotWsServer } from '../../../src/simulator/fake-aibot-ws-server.ts';
import { type ChatRequest, FakeOpenAiApi } from '../../../src/simulator/fake-openai-api.ts';
import { aibotBot, aibotWsEnv, fetchedPicture } from '../../support/aibot-service.ts';
import { callJson, signedInStaff } from '../../support/console-api.ts';
import { groundedAnswer } from '../../support/model-brain.ts';
import { ScriptedBrain } from '../../support/scripted-brain.ts';
import { HANDOFF_TEXT, handoffBrain } from '../../support/staff-members.ts';
import { eventually, type HarnessOptions, startHarness } from '../../support/wecom-service.ts';

const ANSWER = '您好，现货商品付款后48小时内发货，预售商品以页面说明为准，发货后可在订单详情里查看物流信息。';

/** The fake WeCom long-connection server and the service connected to it, once the bot has subscribed; both closed after the test. */
async function subscribedBot(t: ExecutionContext, options: Pick<HarnessOptions, 'brain' | 'env'> = {}) {
  const server = new FakeAibotWsServer(aibotBot);
  const url = await server.listen();
  const h = await startHarness({
    database: 'postgres',
    brain: options.brain,
    env: { ...aibotWsEnv(url), COALESCE_WINDOW_MS: '0', ...options.env },
  });
  t.teardown(async () => {
    await h.close();
    await server.close();
  });
  await eventually(async () => server.activeConnection !== undefined, 30_000, 'the bot subscribed');
  return { server, url, h };
}

test.serial(
  'over the long connection a message is stored before its stream is opened, and the answer streams in several frames and finishes',
  async (t) => {
    const model = new FakeOpenAiApi();
    await model.listen();
    model.chunkDelayMs = 80;
    model.onChat = (request: ChatRequest) => (request.tools ? groundedAnswer(request, { answer: ANSWER }) : { text: '摘要' });
    t.teardown(() => model.close());
    const { server, h } = await subscribedBot(t, { env: { LLM_BASE_URL: model.baseUrl, LLM_MODEL: 'fake-model', LLM_MAX_RETRIES: '0' } });

    const msgid = server.say({ from: 'zhangsan', text: '多久发货' });
    await eventually(async () => server.framesOf(msgid).some((f) => f.finish), 30_000, 'the finished stream');
    const frames = server.framesOf(msgid);
    t.is(frames[0]!.content, '', 'the first frame acknowledges the message with an empty stream');
    const [stored] = await h.service.db.select().from(messages).where(eq(messages.platformMessageId, msgid));
    t.true(stored!.createdAt.getTime() <= frames[0]!.at, 'stored before the first frame acknowledged it');
    const drafts = frames.slice(1, -1).map((f) => f.content);
    t.true(drafts.length >= 2, `drafts pushed: ${JSON.stringify(drafts)}`);
    t.true(drafts.every((d, i) => ANSWER.startsWith(d) && (i === 0 || d.length >= drafts[i - 1]!.length)));
    t.deepEqual(
      frames.map((f) => f.finish),
      [...frames.slice(0, -1).map(() => false), true],
    );
    t.is(frames.at(-1)!.content, ANSWER);
    t.true(new Set(frames.map((f) => f.id)).size === 1);
  },
);

test.serial('a group message without @ gets nothing; enter_chat gets the welcome within 5 s', async (t) => {
  const { server, url, h } = await subscribedBot(t, { brain: new ScriptedBrain() });

  const ignored = server.say({ from: 'lisi', chatid: 'wrGroup2', text: '今天开会吗' });
  const asked = server.say({ from: 'lisi', chatid: 'wrGroup2', text: '@客服助手 营业时间' });
  await eventually(async () => server.framesOf(asked).some((f) => f.finish), 30_000, 'the answer to the @-mention');
  t.is(server.framesOf(asked).at(-1)!.content, '答：营业时间');
  t.deepEqual(server.framesOf(ignored), [], 'no frame for the message without @');
  const inbound = await h.service.db.select().from(messages).where(eq(messages.direction, 'in'));
  t.deepEqual(
    inbound.map((m) => m.text),
    ['营业时间'],
  );

  const started = Date.now();
  const reqId = server.enterChat('wangwu');
  await eventually(async () => server.welcomes.some((w) => w.reqId === reqId), 30_000, 'the welcome');
  t.true(Date.now() - started < 5000);
  t.is(server.welcomes[0]!.content, aibotWsEnv(url).WECOM_AIBOT_WELCOME_TEXT!);
});

test.serial(
  'over the long connection the finished answer carries the card, and a click is stored and answered with the replaced card',
  async (t) => {
    const { server, h } = await subscribedBot(t, { brain: new ScriptedBrain() });

    const msgid = server.say({ from: 'zhouba', text: '保修多久' });
    const finished = await eventually(async () => server.framesOf(msgid).find((f) => f.finish), 30_000, 'the answer');
    const card = finished.card as { task_id: string; button_list: Array<{ text: string; key: string }> } | undefined;
    t.truthy(card, 'the card came with the finishing frame');
    const down = card!.button_list.find((b) => b.text.startsWith('👎'))!;
    const reqId = server.clickCard('zhouba', down.key, card!.task_id);
    await eventually(async () => server.cardUpdates.some((u) => u.reqId === reqId), 30_000, 'the card replaced within 5 s');
    const [answer] = await h.service.db.select().from(messages).where(eq(messages.direction, 'out'));
    const [vote] = await h.service.db.select().from(answerFeedback).where(eq(answerFeedback.messageId, answer!.id));
    t.like(vote, { rating: 'down', source: 'wecom-aibot' });
  },
);

test.serial('a picture sent to the bot is downloaded, decrypted with its message key and stored like a web upload', async (t) => {
  const { server, h } = await subscribedBot(t, { brain: new ScriptedBrain() });
  // A PNG signature and some bytes: the media store recognises a picture by its first bytes.
  const picture = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(1000)]);

  const msgid = server.sendImage('wuyi', picture);
  const { mediaError, upload } = await fetchedPicture(h, msgid);
  t.is(mediaError, undefined);
  t.is(upload!.owner, 'wuyi');
  t.is(upload!.kind, 'image');
  t.true(Buffer.from(upload!.bytes).equals(picture), 'the stored bytes are the decrypted picture');
});

test.serial('during a handoff an agent’s reply from the console goes out as aibot_send_msg to the user', async (t) => {
  const { server, h } = await subscribedBot(t, { brain: handoffBrain() });

  const msgid = server.say({ from: 'zhengshi', text: '转人工' });
  const handoff = await eventually(async () => server.framesOf(msgid).find((f) => f.finish), 30_000, 'the handoff reply');
  t.is(handoff.content, HANDOFF_TEXT);
  t.is(handoff.card, undefined, 'no rating card under a handoff');
  const [conversation] = await h.service.db.select().from(conversations);
  const agent = await signedInStaff(h.baseUrl, h.service.db, 'agent@example.com', 'agent');
  t.is((await callJson(h.baseUrl, agent, 'POST', `/api/conversations/${conversation!.id}/assign`, { assignee: 'me' })).status, 204);
  t.is(
    (await callJson(h.baseUrl, agent, 'POST', `/api/conversations/${conversation!.id}/messages`, { text: '您好，我是客服小王' })).status,
    201,
  );
  await eventually(async () => server.sent.some((s) => s.content === '您好，我是客服小王'), 30_000, 'the agent reply sent');
  t.deepEqual(
    server.sent.map((s) => [s.chatid, s.content]),
    [['zhengshi', '您好，我是客服小王']],
  );
});

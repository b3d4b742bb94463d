import test from 'ava';
import { recordAnnouncements } from '../../support/conversation-event-recorder.ts';
import { Redis } from 'ioredis';
import { createWebChannel } from '../../../src/channels/web/web-channel.ts';
import { loadConfig } from '../../../src/config/env.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { createMetrics } from '../../../src/observability/metrics.ts';
import { createTurnProcessor } from '../../../src/workers/conversation-turn-processor.ts';
import { type ChatRequest, FakeOpenAiApi } from '../../../src/simulator/fake-openai-api.ts';
import { createTestDatabase } from '../../support/databases.ts';
import { demoKnowledge, groundedAnswer, modelBrain } from '../../support/model-brain.ts';
import { scaledOutEnv, startRole } from '../../support/processes.ts';
import { countFrom, type StreamedEvent, WebVisitor } from '../../support/web-visitor.ts';
import { deleteRedisPrefix, REDIS_URL, startHarness } from '../../support/wecom-service.ts';

/** The bot's words when it cannot answer and nothing in the knowledge base is close (config/brain/handoff.json). */
const DECLINED = '抱歉，这个问题我暂时还不会回答。\n回复“人工”为您转接人工客服。';

/**
 * Replies stream into the widget as the model writes them: the real LangChain client reads a
 * loopback model that sends its answer in pieces, the worker relays the drafts through Redis to
 * whichever API process holds the visitor's stream, and the stored reply replaces them.
 */
const ANSWER = '您好，现货商品付款后48小时内发货，预售商品以页面说明为准，发货后可在订单详情里查看物流信息。';

/** The structured call answers with ANSWER (and `overrides`), written in pieces; the summary call with a summary. */
function answerWith(fake: FakeOpenAiApi, overrides: Record<string, unknown> = {}): void {
  fake.chunkDelayMs = 80;
  fake.onChat = (request: ChatRequest) => (request.tools ? groundedAnswer(request, { answer: ANSWER, ...overrides }) : { text: '摘要' });
}

async function streamingModel(overrides: Record<string, unknown> = {}): Promise<FakeOpenAiApi> {
  const fake = new FakeOpenAiApi();
  await fake.listen();
  answerWith(fake, overrides);
  return fake;
}

/** A visitor with a session and a stream that is live. */
async function watchingVisitor(baseUrl: string) {
  const visitor = new WebVisitor(baseUrl);
  await visitor.startSession();
  const stream = await visitor.stream({ lastEventId: 0 });
  await stream.waitFor((e) => e.some((x) => x.event === 'ready'));
  return { visitor, stream };
}

const modelEnv = (fake: FakeOpenAiApi) => ({ LLM_BASE_URL: fake.baseUrl, LLM_MODEL: 'fake-model', LLM_MAX_RETRIES: '0' });
const drafts = (events: StreamedEvent[]) => events.filter((e) => e.event === 'delta');
const replyTo = (events: StreamedEvent[], text: string) =>
  events.find((e) => e.event === 'message' && e.data.from === 'customer' && e.data.text === text)?.data.id;

test.serial(
  'a reply streams in on an API process other than the one the question came through: growing drafts, then the stored reply, then the draft is closed',
  async (t) => {
    const fake = await streamingModel();
    const database = await createTestDatabase('postgres');
    const prefix = `webdraft${Date.now()}`;
    const env = { ...scaledOutEnv(database, prefix), ...modelEnv(fake) };
    const processes = await Promise.all([startRole('api', env), startRole('api', env), startRole('worker', env)]);
    t.teardown(async () => {
      for (const p of processes) p.child.kill('SIGKILL');
      await fake.close();
      await deleteRedisPrefix(prefix);
      await database.drop();
    });
    const [apiOne, apiTwo] = processes;

    const { visitor: watching, stream } = await watchingVisitor(`http://127.0.0.1:${apiOne!.port}`);
    const writing = new WebVisitor(`http://127.0.0.1:${apiTwo!.port}`);
    writing.token = watching.token;
    t.is((await writing.send('多久发货')).status, 202);
    await stream.waitFor((e) => countFrom(e, 'bot') === 1, 30_000, 'the stored reply');
    await stream.waitFor((e) => drafts(e).some((d) => d.data.text === ''), 30_000, 'the draft closed');

    const events = stream.events;
    const question = replyTo(events, '多久发货');
    const reply = events.findIndex((e) => e.event === 'message' && e.data.from === 'bot');
    const before = drafts(events.slice(0, reply)).map((d) => d.data);
    t.true(before.length >= 2, `drafts before the reply: ${JSON.stringify(before)}`);
    t.true(
      before.every(
        (d, i) => d.replyTo === question && ANSWER.startsWith(d.text) && (i === 0 || d.text.length > before[i - 1]!.text.length),
      ),
      'each draft is a longer beginning of the answer to the question',
    );
    t.true(before[0]!.text.length < ANSWER.length, 'the first draft came while the model was still writing');
    t.true(
      drafts(events).every((d) => d.id === undefined),
      'drafts carry no event id',
    );
    const stored = events[reply]!.data;
    t.is(stored.text, ANSWER);
    t.is(stored.replyTo, question, 'the reply names the drafts it replaces');
    t.is(
      events.findIndex((e) => e.event === 'delta' && e.data.text === ''),
      events.length - 1,
      'the empty draft comes last',
    );

    // Drafts are not replayed: a stream resuming from before the question gets the messages only.
    const resumed = await watching.stream({ lastEventId: 0 });
    await resumed.waitFor((e) => e.some((x) => x.event === 'ready'));
    t.deepEqual(
      resumed.events.map((e) => e.event),
      ['message', 'message', 'ready'],
    );
    resumed.close();
    stream.close();
  },
);

test.serial(
  'when the decision read ahead of the answer says it will not be sent, nothing of it is drafted: low confidence, then no answer',
  async (t) => {
    const fake = await streamingModel({ confidence: 0.2 });
    const h = await startHarness({ database: 'postgres', env: { ...modelEnv(fake), COALESCE_WINDOW_MS: '0' } });
    t.teardown(async () => {
      await h.close();
      await fake.close();
    });
    const { visitor, stream } = await watchingVisitor(h.baseUrl);

    // Unsure: the offline brain answers from the knowledge base instead of the model's words.
    await visitor.send('多久发货');
    await stream.waitFor((e) => countFrom(e, 'bot') === 1, 30_000, 'the first reply');
    const firstQuestion = replyTo(stream.events, '多久发货');
    const offline = stream.messages().find((m) => m.from === 'bot')!;
    t.not(offline.text, ANSWER);
    t.regex(offline.text, /48小时内发货/);
    t.is(offline.replyTo, firstQuestion);

    // No answer in the knowledge base: our wording (nothing close to offer), whatever the model wrote.
    answerWith(fake, { handoffReason: 'no_answer' });
    await visitor.send('你们老板是谁');
    await stream.waitFor((e) => countFrom(e, 'bot') === 2, 30_000, 'the second reply');
    const secondQuestion = replyTo(stream.events, '你们老板是谁');
    const declined = stream.messages().filter((m) => m.from === 'bot')[1]!;
    t.is(declined.text, DECLINED);
    t.is(declined.replyTo, secondQuestion);
    t.deepEqual(drafts(stream.events), [], 'the model wrote both answers in pieces; the widget saw none of them');
    t.deepEqual(
      (await visitor.history()).map((m) => m.text),
      ['多久发货', offline.text, '你们老板是谁', DECLINED],
      'only the stored replies are history',
    );
    stream.close();
  },
);

test.serial('a draft that cannot be published does not hold up or fail the turn: the reply is stored and delivered', async (t) => {
  const knowledge = await demoKnowledge();
  const model = await modelBrain(knowledge);
  answerWith(model.fake);
  // The API takes the visitor's message; the turn is run below, by a processor whose web channel
  // cannot publish drafts but sends replies as usual.
  const h = await startHarness({ database: 'postgres', role: 'api', env: { COALESCE_WINDOW_MS: '0' } });
  const redis = new Redis(REDIS_URL, { keyPrefix: `${h.service.redisPrefix}:` });
  t.teardown(async () => {
    redis.disconnect();
    await h.close();
    await model.close();
    await knowledge.close();
  });
  const { visitor, stream } = await watchingVisitor(h.baseUrl);
  t.is((await visitor.send('多久发货')).status, 202);

  const logger = createLogger('silent');
  const web = createWebChannel({
    accounts: loadConfig(h.env).accounts.web,
    fallbackSecret: () => 'unused: this channel serves no routes',
    sessionTtlSeconds: 3600,
    streamMaxLifetimeMs: 600_000,
    db: h.service.db,
    redis,
    redisPrefix: h.service.redisPrefix,
    accept: () => Promise.reject(new Error('unused')),
    logger,
    metrics: createMetrics(),
    maxStreams: 1,
  });
  let refused = 0;
  const failingDrafts = {
    ...web,
    onDraft: async () => {
      refused++;
      throw new Error('publish failed');
    },
  };
  const announce = recordAnnouncements();
  const processTurn = createTurnProcessor({
    db: h.service.db,
    redis,
    brain: model.brain,
    channels: new Map([['web', failingDrafts]]),
    metrics: createMetrics(),
    logger,
    coalesceWindowMs: 0,
    lockMs: 5000,
    holdNotice: () => ({ text: '', intervalMs: 0 }),
    announce,
  });
  const [job] = await h.queue().getJobs(['waiting', 'delayed', 'prioritized']);
  t.is(await processTurn(job!), 'answered');
  t.deepEqual(announce.calls, [[[job!.data.conversationId], 'message']], 'the console is told of the stored reply');
  t.true(refused >= 2, `the turn offered drafts (${refused})`);
  await stream.waitFor((e) => countFrom(e, 'bot') === 1, 30_000, 'the reply');
  t.is(stream.messages()[1]!.text, ANSWER);
  t.is(drafts(stream.events).length, 0);
  stream.close();
});

import test from 'ava';
import { eq } from 'drizzle-orm';
import { connectDatabase } from '../../../src/db/connect.ts';
import { messages } from '../../../src/db/schema.ts';
import { FakeAibotWebhook, type StreamFrame } from '../../../src/simulator/fake-aibot-webhook.ts';
import { type ChatRequest, FakeOpenAiApi } from '../../../src/simulator/fake-openai-api.ts';
import { aibotKeys, aibotWebhookEnv } from '../../support/aibot-service.ts';
import { createTestDatabase } from '../../support/databases.ts';
import { groundedAnswer } from '../../support/model-brain.ts';
import { type RoleProcess, scaledOutEnv, startRole } from '../../support/processes.ts';
import { deleteRedisPrefix } from '../../support/wecom-service.ts';

const ANSWER = '您好，现货商品付款后48小时内发货，预售商品以页面说明为准，发货后可在订单详情里查看物流信息。';

test.serial(
  'a worker killed with -9 while it streams an answer: WeCom keeps refreshing, another worker answers, and the stream finishes once',
  async (t) => {
    // Three processes start on a loaded machine.
    t.timeout(360_000);
    const model = new FakeOpenAiApi();
    await model.listen();
    // Slow enough that the worker dies while the model is still writing.
    model.chunkDelayMs = 250;
    model.onChat = (request: ChatRequest) => (request.tools ? groundedAnswer(request, { answer: ANSWER }) : { text: '摘要' });
    const wecom = new FakeAibotWebhook(aibotKeys);
    await wecom.listen();
    const database = await createTestDatabase('postgres');
    const prefix = `aibotcrash${Date.now()}`;
    const env = {
      ...scaledOutEnv(database, prefix),
      ...aibotWebhookEnv(),
      LLM_BASE_URL: model.baseUrl,
      LLM_MODEL: 'fake-model',
      LLM_MAX_RETRIES: '0',
      JOB_LOCK_MS: '2000',
      JOB_BACKOFF_MS: '100',
    };
    const reader = await connectDatabase({ url: database.url });
    const started: RoleProcess[] = [];
    t.teardown(async () => {
      for (const p of started) p.child.kill('SIGKILL');
      await reader.close();
      await model.close();
      await wecom.close();
      await deleteRedisPrefix(prefix);
      await database.drop();
    });
    // One at a time, so a start that fails leaves nothing running behind the teardown's back.
    const api = await startRole('api', env);
    started.push(api);
    const first = await startRole('worker', env);
    started.push(first);

    let killed: Promise<void> | undefined;
    const onFrame = (frame: StreamFrame) => {
      if (killed || frame.content === '') return;
      // The first draft is on screen: the worker writing it dies, and another starts.
      killed = (async () => {
        first.child.kill('SIGKILL');
        await first.exited;
        started.push(await startRole('worker', env));
      })();
    };
    const { frames } = await wecom.ask(
      `http://127.0.0.1:${api.port}/callbacks/wecom-aibot/default`,
      { from: 'chenyi', text: '多久发货' },
      // Within WeCom's 6 minutes: a worker starting on a loaded machine takes a while.
      { refreshMs: 100, giveUpMs: 240_000, onFrame },
    );
    await killed;

    t.truthy(killed, 'the worker died mid-answer');
    const last = frames.at(-1)!;
    t.true(last.finish, `the stream finished: ${JSON.stringify(last)}`);
    t.is(last.content, ANSWER);
    const replies = await reader.db.select().from(messages).where(eq(messages.direction, 'out'));
    t.is(replies.length, 1, 'answered once');
    t.is(replies[0]!.status, 'sent');
  },
);

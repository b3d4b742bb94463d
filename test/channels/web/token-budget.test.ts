import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { eq } from 'drizzle-orm';
import { messages } from '../../../src/db/schema.ts';
import { FakeOpenAiApi } from '../../../src/simulator/fake-openai-api.ts';
import { MODEL_ANSWER, wellBehavedModel } from '../../support/model-brain.ts';
import { type Harness, startHarness } from '../../support/wecom-service.ts';
import { countFrom, WebVisitor } from '../../support/web-visitor.ts';

const KB_ANSWER = /现货商品付款后48小时内发货/;

// The fake reports usage as the real API does: every structured call spends well over 100 tokens.
let fake: FakeOpenAiApi;
let h: Harness;
test.before(async () => {
  fake = new FakeOpenAiApi();
  await fake.listen();
  fake.onChat = wellBehavedModel;
  const file = join(mkdtempSync(join(tmpdir(), 'kefu-web-tokens-')), 'config.json');
  writeFileSync(
    file,
    JSON.stringify({
      web: [
        { name: 'visitor-capped', publicId: 'visitor-capped', visitorTokensPerDay: 100 },
        { name: 'account-capped', publicId: 'account-capped', accountTokensPerDay: 100 },
      ],
    }),
  );
  h = await startHarness({
    database: 'postgres',
    env: { CONFIG_FILE: file, LLM_BASE_URL: fake.baseUrl, LLM_MODEL: 'fake-model', LLM_API_KEY: 'k', LLM_MAX_RETRIES: '0' },
  });
});
test.after.always(async () => {
  await h?.close();
  await fake?.close();
});

/** Asks one question and resolves with the bot's reply text (the `n`th bot message of this visitor). */
async function ask(visitor: WebVisitor, question: string, n: number): Promise<string> {
  const stream = await visitor.stream({ lastEventId: 0 });
  try {
    const sent = await visitor.send(question);
    if (sent.status !== 202) throw new Error(`send answered ${sent.status}`);
    await stream.waitFor((events) => countFrom(events, 'bot') === n, 30_000, `bot reply ${n}`);
    return stream.messages().filter((m) => m.from === 'bot')[n - 1]!.text;
  } finally {
    stream.close();
  }
}

test.serial(
  'an anonymous visitor over their daily token budget is answered from the knowledge base, and the model is not called',
  async (t) => {
    const visitor = new WebVisitor(h.baseUrl, 'visitor-capped');
    await visitor.startSession();
    t.is(await ask(visitor, '多久发货', 1), MODEL_ANSWER, 'the first turn finds the budget unspent');
    const calls = fake.chatRequests.length;

    t.regex(await ask(visitor, '下单后多久发货？', 2), KB_ANSWER);
    t.is(fake.chatRequests.length, calls, 'no model call for a visitor whose budget is spent');
    const [reply] = await h.service.db
      .select({ meta: messages.meta })
      .from(messages)
      .where(eq(messages.text, (await visitor.history()).at(-1)!.text));
    t.is(reply?.meta.modelBudgetSpent, 'model_tokens_per_visitor');

    const other = new WebVisitor(h.baseUrl, 'visitor-capped');
    await other.startSession();
    t.is(await ask(other, '多久发货', 1), MODEL_ANSWER, 'another visitor has a budget of their own');

    const text = await (await fetch(`${h.baseUrl}/metrics`)).text();
    t.regex(text, /kefu_web_budget_exhausted_total\{account="visitor-capped",budget="model_tokens_per_visitor"\} 1/);
    const spent = Number(/kefu_web_budget_spent_total\{account="visitor-capped",budget="model_tokens"\} (\d+)/.exec(text)?.[1]);
    t.true(spent > 200, `two model turns counted (${spent} tokens)`);
  },
);

test.serial('once a widget account spent its daily token budget, every visitor of it gets knowledge-base answers', async (t) => {
  const first = new WebVisitor(h.baseUrl, 'account-capped');
  await first.startSession();
  t.is(await ask(first, '多久发货', 1), MODEL_ANSWER);
  const calls = fake.chatRequests.length;

  const second = new WebVisitor(h.baseUrl, 'account-capped');
  await second.startSession();
  t.regex(await ask(second, '下单后多久发货？', 1), KB_ANSWER);
  t.is(fake.chatRequests.length, calls);
  t.regex(
    await (await fetch(`${h.baseUrl}/metrics`)).text(),
    /kefu_web_budget_exhausted_total\{account="account-capped",budget="model_tokens_per_account"\} 1/,
  );
  const elsewhere = new WebVisitor(h.baseUrl, 'demo');
  await elsewhere.startSession();
  t.is(await ask(elsewhere, '多久发货', 1), MODEL_ANSWER, 'other widget accounts keep their own budget');
});

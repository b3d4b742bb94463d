import test from 'ava';
import { loadConfig } from '../../src/config/env.ts';
import { ConfigError } from '../../src/errors.ts';

const wecom = {
  WECOM_CORP_ID: 'ww1234567890',
  WECOM_AGENT_ID: '1000002',
  WECOM_SECRET: 's',
  WECOM_TOKEN: 't',
  WECOM_ENCODING_AES_KEY: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
};

test('with nothing set, the service starts on embedded defaults with no channel', (t) => {
  const config = loadConfig({});
  t.is(config.env.PORT, 3000);
  t.true(config.embeddedDatabase);
  t.true(config.defaultRedis);
  t.is(config.redisUrl, 'redis://127.0.0.1:6379');
  t.is(config.env.DATA_DIR, './data');
  t.deepEqual(config.accounts.wecom, []);
});

test('empty values count as unset', (t) => {
  const config = loadConfig({ DATABASE_URL: '', REDIS_URL: '', PORT: '' });
  t.true(config.embeddedDatabase);
  t.is(config.env.PORT, 3000);
});

test('the five WECOM_* variables make the default WeCom app', (t) => {
  const [app] = loadConfig(wecom).accounts.wecom;
  t.like(app, { name: 'default', corpId: 'ww1234567890', agentId: 1000002, apiBase: 'https://qyapi.weixin.qq.com' });
});

const refusals: Array<[string, Record<string, string>, RegExp]> = [
  ['a malformed PORT', { PORT: 'eighty' }, /^PORT: /],
  ['a DATABASE_URL that is not a URL', { DATABASE_URL: 'localhost' }, /^DATABASE_URL: /],
  ['an unknown LOG_LEVEL', { LOG_LEVEL: 'loud' }, /^LOG_LEVEL: /],
  ['a half-configured WeCom app', { WECOM_CORP_ID: 'ww1', WECOM_SECRET: 's' }, /WECOM_AGENT_ID, WECOM_TOKEN, WECOM_ENCODING_AES_KEY/],
  ['an EncodingAESKey of the wrong length', { ...wecom, WECOM_ENCODING_AES_KEY: 'short' }, /^WECOM_ENCODING_AES_KEY: .*43/],
  ['a non-numeric agent id', { ...wecom, WECOM_AGENT_ID: 'abc' }, /^WECOM_AGENT_ID: /],
  ['a model without a base URL', { LLM_MODEL: 'deepseek-chat' }, /^LLM_BASE_URL: required when LLM_MODEL is set/],
  ['an unknown structured-output method', { LLM_STRUCTURED_OUTPUT: 'xml' }, /^LLM_STRUCTURED_OUTPUT: /],
  ['an embeddings endpoint without a model', { EMBEDDING_BASE_URL: 'http://127.0.0.1:11434/v1' }, /^EMBEDDING_MODEL: required/],
  ['a missing CONFIG_FILE', { CONFIG_FILE: '/nonexistent/kefu.json' }, /^CONFIG_FILE \/nonexistent\/kefu.json: /],
];
for (const [what, env, message] of refusals) {
  test(`start is refused with one line naming the variable: ${what}`, (t) => {
    const err = t.throws(() => loadConfig(env), { instanceOf: ConfigError });
    t.regex(err!.message, message);
    t.false(err!.message.includes('\n'));
  });
}

test('no LLM_* means offline mode; LLM_BASE_URL and LLM_MODEL configure the model, with defaults for the rest', (t) => {
  t.is(loadConfig({}).model, undefined);
  t.is(loadConfig({}).embeddings, undefined);
  const config = loadConfig({
    LLM_BASE_URL: 'http://127.0.0.1:11434/v1',
    LLM_MODEL: 'qwen2.5:7b',
    EMBEDDING_BASE_URL: 'http://127.0.0.1:11434/v1',
    EMBEDDING_MODEL: 'bge-m3',
  });
  t.like(config.model, {
    baseUrl: 'http://127.0.0.1:11434/v1',
    model: 'qwen2.5:7b',
    apiKey: 'not-needed',
    timeoutMs: 30_000,
    maxRetries: 2,
    maxConcurrency: 16,
    structuredOutput: 'functionCalling',
  });
  t.like(config.embeddings, { model: 'bge-m3' });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { loadConfig } from '../../../src/config/env.ts';

const KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';

test('the AI bot is off without WECOM_AIBOT_*; on the long connection by default with its id and secret', (t) => {
  t.deepEqual(loadConfig({}).accounts.wecomAibot, []);
  const [bot] = loadConfig({ WECOM_AIBOT_ID: 'aibabc', WECOM_AIBOT_SECRET: 's3cret' }).accounts.wecomAibot;
  t.like(bot, { name: 'default', mode: 'ws', botId: 'aibabc', wsUrl: 'wss://openws.work.weixin.qq.com' });
});

test('each mode names the variable it is missing, in one line', (t) => {
  t.throws(() => loadConfig({ WECOM_AIBOT_ID: 'aibabc' }), { message: /^WeCom AI bot: WECOM_AIBOT_SECRET: required in ws mode/ });
  t.throws(() => loadConfig({ WECOM_AIBOT_MODE: 'webhook', WECOM_AIBOT_TOKEN: 'tok' }), {
    message: /^WeCom AI bot: WECOM_AIBOT_ENCODING_AES_KEY: required in webhook mode/,
  });
  t.throws(() => loadConfig({ WECOM_AIBOT_MODE: 'webhook', WECOM_AIBOT_TOKEN: 'tok', WECOM_AIBOT_ENCODING_AES_KEY: 'short' }), {
    message: /WECOM_AIBOT_ENCODING_AES_KEY: EncodingAESKey is 43 characters/,
  });
  t.throws(() => loadConfig({ WECOM_AIBOT_MODE: 'socket', WECOM_AIBOT_ID: 'a', WECOM_AIBOT_SECRET: 'b' }), { message: /WECOM_AIBOT_MODE/ });
  const [bot] = loadConfig({ WECOM_AIBOT_MODE: 'webhook', WECOM_AIBOT_TOKEN: 'tok', WECOM_AIBOT_ENCODING_AES_KEY: KEY }).accounts
    .wecomAibot;
  t.like(bot, { mode: 'webhook', token: 'tok' });
});

test('CONFIG_FILE adds more bots under wecomAibot; a name used twice is refused', (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'kefu-aibot-')), 'config.json');
  writeFileSync(file, JSON.stringify({ wecomAibot: [{ name: 'sales', mode: 'webhook', token: 'tok2', encodingAesKey: KEY }] }));
  const bots = loadConfig({ CONFIG_FILE: file, WECOM_AIBOT_ID: 'aibabc', WECOM_AIBOT_SECRET: 's3cret' }).accounts.wecomAibot;
  t.deepEqual(
    bots.map((b) => [b.name, b.mode]),
    [
      ['default', 'ws'],
      ['sales', 'webhook'],
    ],
  );
  writeFileSync(file, JSON.stringify({ wecomAibot: [{ name: 'default', botId: 'x', secret: 'y' }] }));
  t.throws(() => loadConfig({ CONFIG_FILE: file, WECOM_AIBOT_ID: 'aibabc', WECOM_AIBOT_SECRET: 's3cret' }), { message: /defined twice/ });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { loadConfig } from '../../../src/config/env.ts';

const configFile = (content: unknown) => {
  const file = join(mkdtempSync(join(tmpdir(), 'kefu-web-')), 'config.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
};

test('the demo widget is on by default, so npm start shows it', (t) => {
  const [account, ...others] = loadConfig({}).accounts.web;
  t.is(others.length, 0);
  t.like(account, { name: 'default', publicId: 'demo', allowedOrigins: [], maxMessageChars: 2000 });
  t.is(account!.secret, undefined, 'generated under DATA_DIR at start');
});

test('WEB_CHAT_ENABLED=false turns it off; origins are a trimmed comma list', (t) => {
  t.deepEqual(loadConfig({ WEB_CHAT_ENABLED: 'false' }).accounts.web, []);
  const [account] = loadConfig({ WEB_CHAT_ALLOWED_ORIGINS: 'https://a.example.com, https://b.example.com:8443 ,' }).accounts.web;
  t.deepEqual(account!.allowedOrigins, ['https://a.example.com', 'https://b.example.com:8443']);
});

test('malformed web chat settings stop the start with one line naming the variable', (t) => {
  t.throws(() => loadConfig({ WEB_CHAT_ALLOWED_ORIGINS: 'shop.example.com' }), {
    message: /^WEB_CHAT_ALLOWED_ORIGINS: "shop.example.com" is not an origin/,
  });
  t.throws(() => loadConfig({ WEB_CHAT_ALLOWED_ORIGINS: 'https://shop.example.com/page' }), { message: /^WEB_CHAT_ALLOWED_ORIGINS/ });
  t.throws(() => loadConfig({ WEB_CHAT_SECRET: 'short' }), { message: /^WEB_CHAT_SECRET: / });
  t.throws(() => loadConfig({ WEB_CHAT_ENABLED: 'maybe' }), { message: /^WEB_CHAT_ENABLED: / });
  t.throws(() => loadConfig({ WEB_CHAT_PUBLIC_ID: 'has space' }), { message: /^WEB_CHAT_PUBLIC_ID: / });
});

test('CONFIG_FILE adds widget accounts with the env limits as defaults; a public id used twice is refused', (t) => {
  const web = loadConfig({
    CONFIG_FILE: configFile({ web: [{ name: 'brand2', publicId: 'b2', maxMessageChars: 500 }] }),
    WEB_CHAT_MAX_UPLOAD_BYTES: '1000',
  }).accounts.web;
  t.like(web[1], { name: 'brand2', publicId: 'b2', maxMessageChars: 500, maxUploadBytes: 1000 });
  t.throws(() => loadConfig({ CONFIG_FILE: configFile({ web: [{ name: 'other', publicId: 'demo' }] }) }), {
    message: /public id "demo" is used twice/,
  });
  t.throws(() => loadConfig({ CONFIG_FILE: configFile({ web: [{ name: 'default', publicId: 'x' }] }) }), {
    message: /"default" is defined twice/,
  });
});

test('a widget names its knowledge base with WEB_CHAT_KNOWLEDGE_BASE or knowledgeBase in CONFIG_FILE; unset = default', (t) => {
  const web = loadConfig({
    WEB_CHAT_KNOWLEDGE_BASE: 'retail',
    CONFIG_FILE: configFile({
      web: [
        { name: 'brand2', publicId: 'b2', knowledgeBase: 'wholesale' },
        { name: 'brand3', publicId: 'b3' },
      ],
    }),
  }).accounts.web;
  t.deepEqual(
    web.map((a) => [a.name, a.knowledgeBase]),
    [
      ['default', 'retail'],
      ['brand2', 'wholesale'],
      ['brand3', undefined],
    ],
  );
  t.is(loadConfig({}).accounts.web[0]!.knowledgeBase, undefined);
});

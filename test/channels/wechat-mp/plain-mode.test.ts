import { Writable } from 'node:stream';
import test from 'ava';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createWechatMpChannel } from '../../../src/channels/wechat-mp/wechat-mp-channel.ts';
import { loadConfig } from '../../../src/config/env.ts';
import { ConfigError } from '../../../src/errors.ts';
import { createMetrics } from '../../../src/observability/metrics.ts';

/** An Official Account without EncodingAESKey: plain mode (明文模式), nothing signs the body. */
const plainAccount = { WECHAT_MP_APP_ID: 'wxplainapp0001', WECHAT_MP_APP_SECRET: 'plain-secret', WECHAT_MP_TOKEN: 'plaintoken' };
const safeAccount = { ...plainAccount, WECHAT_MP_ENCODING_AES_KEY: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' };

test('in production a plain-mode Official Account is refused with one line naming the way out', (t) => {
  const err = t.throws(() => loadConfig({ NODE_ENV: 'production', ...plainAccount }), { instanceOf: ConfigError });
  t.regex(err!.message, /^Official Account "default" is in plain mode \(明文模式\).*WECHAT_MP_ENCODING_AES_KEY.*WECHAT_MP_ALLOW_PLAIN=1/);
  t.false(err!.message.includes('\n'));
});

test('in production WECHAT_MP_ALLOW_PLAIN=1 accepts plain mode; safe mode and development need nothing', (t) => {
  t.is(loadConfig({ NODE_ENV: 'production', WECHAT_MP_ALLOW_PLAIN: '1', ...plainAccount }).accounts.wechatMp.length, 1);
  t.is(loadConfig({ NODE_ENV: 'production', ...safeAccount }).accounts.wechatMp.length, 1);
  t.is(loadConfig(plainAccount).accounts.wechatMp.length, 1);
});

test('start-up warns once per plain-mode Official Account, and not for an encrypted one', (t) => {
  const lines: Array<{ level: number; account?: string; msg: string }> = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const redis = new Redis({ lazyConnect: true });
  t.teardown(() => redis.disconnect());
  const plain = loadConfig(plainAccount).accounts.wechatMp[0]!;
  const encrypted = { ...loadConfig(safeAccount).accounts.wechatMp[0]!, name: 'safe' };
  createWechatMpChannel({
    accounts: [plain, encrypted],
    redis,
    metrics: createMetrics(),
    logger: pino({ level: 'info' }, sink),
    limits: { replayWindowSeconds: 300, maxBodyBytes: 65536 },
    accept: async () => {
      throw new Error('not called');
    },
  });
  const warnings = lines.filter((l) => l.level === 40 && /plain mode/.test(l.msg));
  t.deepEqual(
    warnings.map((w) => w.account),
    ['default'],
  );
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { Redis } from 'ioredis';
import pg from 'pg';
import { WechatMpApiClient } from '../../../src/channels/wechat-mp/api-client.ts';
import { sealForReceiver } from '../../../src/channels/shared/wxbiz-msg-crypt.ts';
import { DeliveryError } from '../../../src/errors.ts';
import type { Service } from '../../../src/composition.ts';
import { FakeWechatMpApi } from '../../../src/simulator/fake-wechat-mp-api.ts';
import { mpPlainSignature, mpTextXml, mpXml, sealMpCallback, type MpCallbackKeys } from '../../../src/simulator/wechat-mp-callback.ts';
import { vectors } from '../../support/callback-vectors.ts';
import { createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { EchoBrain, flushOwnRedisDb, startTestService } from '../../support/wechat-family-service.ts';
import { eventually } from '../../support/wecom-service.ts';

/**
 * Official Account channel end to end, on the real service with PostgreSQL and Redis, WeChat
 * faked on loopback. Redis logical DB 11 belongs to this file (flushed before use).
 * Three accounts cover the three modes: `default` (plain, from env), `compat` and `safe` (config
 * file); `safe` uses the published WXBizMsgCrypt sample values (test/fixtures/wecom-callback-vectors.json —
 * the official OA sample: appid wx5823bf96d3bd56c7), so the replay window is widened past 2014.
 */
const REDIS_URL = 'redis://127.0.0.1:6379/11';

const plain: MpCallbackKeys & { secret: string } = { appId: 'wxplainapp0001', secret: 'plain-secret', token: 'plaintoken' };
const compat: MpCallbackKeys = { appId: plain.appId, token: 'compattoken', encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' };
const safe: MpCallbackKeys = { appId: vectors.receiveId, token: vectors.token, encodingAesKey: vectors.encodingAESKey };

let service: Service;
let baseUrl: string;
let db: TestDatabase;
let sql: pg.Client;
let fakeApiBase: string;
const brain = new EchoBrain();
const wechat = new FakeWechatMpApi({ appId: plain.appId, appSecret: plain.secret });
const sampleWechat = new FakeWechatMpApi({ appId: safe.appId, appSecret: 'sample-secret' });

test.before(async () => {
  await flushOwnRedisDb(REDIS_URL);
  db = await createTestDatabase('postgres');
  const apiBase = await wechat.listen();
  fakeApiBase = apiBase;
  const sampleApiBase = await sampleWechat.listen();
  const configFile = join(db.dataDir, 'accounts.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      wechatMp: [
        {
          name: 'compat',
          appId: compat.appId,
          appSecret: plain.secret,
          token: compat.token,
          encodingAesKey: compat.encodingAesKey,
          apiBase,
        },
        {
          name: 'safe',
          appId: safe.appId,
          appSecret: 'sample-secret',
          token: safe.token,
          encodingAesKey: safe.encodingAesKey,
          apiBase: sampleApiBase,
        },
      ],
    }),
  );
  ({ service, baseUrl } = await startTestService(
    {
      REDIS_URL,
      REDIS_PREFIX: 'kefu-test-wechat-mp',
      DATABASE_URL: db.url,
      DATA_DIR: db.dataDir,
      CONFIG_FILE: configFile,
      CALLBACK_REPLAY_WINDOW_S: String(20 * 365 * 24 * 3600),
      WECHAT_MP_APP_ID: plain.appId,
      WECHAT_MP_APP_SECRET: plain.secret,
      WECHAT_MP_TOKEN: plain.token,
      WECHAT_MP_API_BASE: apiBase,
      WECHAT_MP_WELCOME_TEXT: '欢迎关注悦享生活馆',
    },
    brain,
  ));
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
});

test.after.always(async () => {
  await sql?.end();
  await service?.stop();
  await wechat.close();
  await sampleWechat.close();
  await db?.drop();
});

let nextMsgId = 1_000;
const post = (account: string, cb: { query: string; body: string }) =>
  fetch(`${baseUrl}/callbacks/wechat-mp/${account}?${cb.query}`, {
    method: 'POST',
    body: cb.body,
    headers: { 'content-type': 'text/xml' },
  });
const sendText = (
  account: string,
  keys: MpCallbackKeys,
  mode: 'plain' | 'compatible' | 'safe',
  from: string,
  text: string,
  msgId = String(nextMsgId++),
) => post(account, sealMpCallback(keys, mpTextXml({ toUser: 'gh_test', from, text, msgId }), mode));

test.serial('plain mode: URL verification echoes echostr only with a valid signature', async (t) => {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = '12345';
  const good = new URLSearchParams({ signature: mpPlainSignature(plain.token, timestamp, nonce), timestamp, nonce, echostr: 'echo-4711' });
  const res = await fetch(`${baseUrl}/callbacks/wechat-mp/default?${good}`);
  t.is(res.status, 200);
  t.is(await res.text(), 'echo-4711');
  const bad = new URLSearchParams({ signature: mpPlainSignature('other-token', timestamp, nonce), timestamp, nonce, echostr: 'echo-4711' });
  t.is((await fetch(`${baseUrl}/callbacks/wechat-mp/default?${bad}`)).status, 401);
});

test.serial('plain mode: a text is acked empty and answered through custom/send after a typing indicator', async (t) => {
  const res = await sendText('default', plain, 'plain', 'o-plain-1', '多久发货');
  t.is(res.status, 200);
  t.is(await res.text(), '');
  await wechat.waitFor(() => wechat.deliveredTo('o-plain-1').length === 1);
  t.deepEqual(wechat.deliveredTo('o-plain-1'), ['答：多久发货']);
  t.true(wechat.typing.includes('o-plain-1'));
});

test.serial('safe mode: a NUL in the text and in the sender id is stored as U+FFFD, acked and answered', async (t) => {
  // The platform signed it, so refusing it would only make WeChat retry it forever.
  const res = await sendText('compat', compat, 'safe', 'o-nul\u0000x', 'a\u0000b');
  t.is(res.status, 200);
  t.is(await res.text(), '');
  await wechat.waitFor(() => wechat.deliveredTo('o-nul\ufffdx').length === 1);
  t.deepEqual(wechat.deliveredTo('o-nul\ufffdx'), ['答：a\ufffdb']);
  const { rows } = await sql.query("select count(*)::int as n from messages where direction = 'in' and text = $1", ['a\ufffdb']);
  t.is(rows[0].n, 1);
});

test.serial('plain mode: a wrong signature is refused and nothing is answered', async (t) => {
  const cb = sealMpCallback(
    { ...plain, token: 'not-our-token' },
    mpTextXml({ toUser: 'gh', from: 'o-forged', text: 'hi', msgId: '1' }),
    'plain',
  );
  t.is((await post('default', cb)).status, 401);
  t.false(brain.calls.some((c) => c.texts.includes('hi')));
});

test.serial('retries of one callback (WeChat sends it 3 times) are answered once', async (t) => {
  const cb = sealMpCallback(plain, mpTextXml({ toUser: 'gh', from: 'o-retry', text: '重复的问题', msgId: '777001' }), 'plain');
  const statuses = await Promise.all([post('default', cb), post('default', cb), post('default', cb)].map(async (r) => (await r).status));
  t.deepEqual(statuses, [200, 200, 200]);
  await wechat.waitFor(() => wechat.deliveredTo('o-retry').length >= 1);
  await new Promise((r) => setTimeout(r, 300));
  t.deepEqual(wechat.deliveredTo('o-retry'), ['答：重复的问题']);
});

test.serial('safe mode: the published sample callback (appid wx5823bf96d3bd56c7) verifies, decrypts and is answered', async (t) => {
  const m = vectors.message;
  const query = new URLSearchParams({
    signature: mpPlainSignature(safe.token, m.timestamp, m.nonce),
    timestamp: m.timestamp,
    nonce: m.nonce,
    encrypt_type: 'aes',
    msg_signature: m.msg_signature,
  });
  const body = `<xml><ToUserName><![CDATA[${safe.appId}]]></ToUserName><Encrypt><![CDATA[${m.encrypt}]]></Encrypt></xml>`;
  const res = await post('safe', { query: query.toString(), body });
  t.is(res.status, 200);
  // The sample's plaintext is a text "hello" from "mycreate".
  await sampleWechat.waitFor(() => sampleWechat.deliveredTo('mycreate').length === 1);
  t.deepEqual(sampleWechat.deliveredTo('mycreate'), ['答：hello']);

  const tampered = new URLSearchParams(query);
  tampered.set('msg_signature', '0'.repeat(40));
  t.is((await post('safe', { query: tampered.toString(), body })).status, 401);
});

test.serial('safe mode: a message encrypted for another appid is refused', async (t) => {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = '99';
  const inner = mpTextXml({ toUser: 'gh', from: 'o-foreign', text: 'foreign', msgId: '880001' });
  const { encrypted, msgSignature } = sealForReceiver(
    { token: safe.token, encodingAesKey: safe.encodingAesKey!, receiveId: 'wxsomeoneelse' },
    inner,
    timestamp,
    nonce,
  );
  const query = new URLSearchParams({ timestamp, nonce, encrypt_type: 'aes', msg_signature: msgSignature });
  const res = await post('safe', {
    query: query.toString(),
    body: `<xml><ToUserName><![CDATA[gh]]></ToUserName><Encrypt><![CDATA[${encrypted}]]></Encrypt></xml>`,
  });
  t.is(res.status, 403);
});

test.serial('compatible mode: only the encrypted copy counts; a body without <Encrypt> is refused', async (t) => {
  const cb = sealMpCallback(compat, mpTextXml({ toUser: 'gh', from: 'o-compat', text: '真实内容', msgId: '990001' }), 'compatible');
  t.regex(cb.body, /<Content>.*<Encrypt>/s, 'compatible bodies carry plaintext and Encrypt');
  // An attacker rewriting the unauthenticated plaintext changes nothing.
  const rewritten = { ...cb, body: cb.body.replace('真实内容', '被篡改') };
  t.is((await post('compat', rewritten)).status, 200);
  await wechat.waitFor(() => wechat.deliveredTo('o-compat').length === 1);
  t.deepEqual(wechat.deliveredTo('o-compat'), ['答：真实内容']);

  const plainOnly = sealMpCallback(compat, mpTextXml({ toUser: 'gh', from: 'o-compat', text: 'x', msgId: '990002' }), 'plain');
  t.is((await post('compat', plainOnly)).status, 400);
});

test.serial('subscribe sends the configured welcome; unsubscribe and menu clicks are recorded, not answered', async (t) => {
  const now = Math.floor(Date.now() / 1000);
  const event = (from: string, ev: string, extra: Record<string, string> = {}) =>
    post(
      'default',
      sealMpCallback(
        plain,
        mpXml({ ToUserName: 'gh', FromUserName: from, CreateTime: now, MsgType: 'event', Event: ev, ...extra }),
        'plain',
      ),
    );
  t.is((await event('o-follower', 'subscribe', { EventKey: 'qrscene_spring' })).status, 200);
  t.is((await event('o-follower', 'subscribe', { EventKey: 'qrscene_spring' })).status, 200); // WeChat's retry
  await wechat.waitFor(() => wechat.deliveredTo('o-follower').length === 1);
  t.is((await event('o-follower', 'CLICK', { EventKey: 'MENU_ORDERS' })).status, 200);
  t.is((await event('o-leaver', 'unsubscribe')).status, 200);
  await new Promise((r) => setTimeout(r, 300));
  t.deepEqual(wechat.deliveredTo('o-follower'), ['欢迎关注悦享生活馆']);
  const { rows } = await sql.query(
    `select m.content->>'event' as event, m.status from messages m join customers c on c.id = (select customer_id from conversations where id = m.conversation_id)
     where c.external_id in ('o-follower', 'o-leaver') order by m.id`,
  );
  t.deepEqual(rows, [
    { event: 'subscribe', status: 'ignored' },
    { event: 'CLICK', status: 'ignored' },
    { event: 'unsubscribe', status: 'ignored' },
  ]);
});

test.serial('an image is kept in the database and a voice message reaches the brain as its recognition text', async (t) => {
  wechat.addMedia('MEDIA_IMG_1', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]), 'image/jpeg');
  wechat.addMedia('MEDIA_VOICE_1', Buffer.from('#!AMR\n'), 'audio/amr');
  const now = Math.floor(Date.now() / 1000);
  const image = mpXml({
    ToUserName: 'gh',
    FromUserName: 'o-media',
    CreateTime: now,
    MsgType: 'image',
    PicUrl: 'https://example.invalid/p.jpg',
    MediaId: 'MEDIA_IMG_1',
    MsgId: 660001,
  });
  t.is((await post('default', sealMpCallback(plain, image, 'plain'))).status, 200);
  const stored = async () =>
    (
      await sql.query(
        `select u.bytes from messages m join web_uploads u on u.id = m.content->>'mediaStoreId' where m.platform_message_id = '660001'`,
      )
    ).rows[0]?.bytes;
  await eventually(async () => (await stored()) !== undefined, 30_000, 'image stored');
  t.deepEqual(await stored(), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));

  const voice = mpXml({
    ToUserName: 'gh',
    FromUserName: 'o-voice',
    CreateTime: now,
    MsgType: 'voice',
    MediaId: 'MEDIA_VOICE_1',
    Format: 'amr',
    Recognition: '怎么退货',
    MsgId: 660002,
  });
  t.is((await post('default', sealMpCallback(plain, voice, 'plain'))).status, 200);
  await wechat.waitFor(() => wechat.deliveredTo('o-voice').length === 1);
  t.true(brain.calls.some((c) => c.kinds.includes('voice') && c.texts.includes('怎么退货')));
});

test.serial('45015 outside the 48-hour window is recorded as a permanent failure and the conversation flagged', async (t) => {
  wechat.outsideWindow.add('o-silent');
  const before = wechat.sendRequests;
  t.is((await sendText('default', plain, 'plain', 'o-silent', '还在吗')).status, 200);
  let row: { status: string; last_error_code: string; attempts: number; conv: string; reason: string } | undefined;
  await eventually(async () => {
    const { rows } = await sql.query(
      `select d.status, d.last_error_code, d.attempts, cv.status as conv, cv.handoff_reason as reason from deliveries d
       join conversations cv on cv.id = d.conversation_id join customers c on c.id = cv.customer_id where c.external_id = 'o-silent'`,
    );
    row = rows[0];
    return row?.status === 'failed';
  });
  t.like(row, {
    status: 'failed',
    last_error_code: 'wechat-mp:45015',
    attempts: 1,
    conv: 'needs_human',
    reason: 'delivery_failed:wechat-mp:45015',
  });
  t.is(wechat.sendRequests - before, 1, 'not retried');
  wechat.outsideWindow.delete('o-silent');
});

test.serial('an expired token (42001) is refreshed with force_refresh and the reply sent once', async (t) => {
  wechat.expireTokens();
  const forced = wechat.forcedRefreshes;
  await sendText('default', plain, 'plain', 'o-token', '退款多久到账');
  await wechat.waitFor(() => wechat.deliveredTo('o-token').length === 1);
  t.deepEqual(wechat.deliveredTo('o-token'), ['答：退款多久到账']);
  t.true(wechat.forcedRefreshes > forced);
});

test.serial('-1 (system busy) is retried and the reply delivered once', async (t) => {
  wechat.failNext(1, { errcode: -1 });
  await sendText('default', plain, 'plain', 'o-busy', '能开发票吗');
  await wechat.waitFor(() => wechat.deliveredTo('o-busy').length === 1);
  await new Promise((r) => setTimeout(r, 300));
  t.deepEqual(wechat.deliveredTo('o-busy'), ['答：能开发票吗']);
});

test.serial('45047 (the 5 messages after the user’s last one are used up) fails for good: only the user writing again helps', async (t) => {
  const redis = new Redis(REDIS_URL, { keyPrefix: 'kefu-test-wechat-mp-unit:' });
  try {
    const client = new WechatMpApiClient(
      { name: 'default', appId: plain.appId, appSecret: plain.secret, token: plain.token, apiBase: fakeApiBase },
      redis,
      () => {},
    );
    wechat.failNext(1, { errcode: 45047 });
    const err = await t.throwsAsync(
      client.post('/cgi-bin/message/custom/send', { touser: 'o-quota', msgtype: 'text', text: { content: 'x' } }),
      { instanceOf: DeliveryError },
    );
    t.false(err!.retryable);
    t.is(err!.platformCode, 'wechat-mp:45047');
    t.regex(err!.message, /too many customer-service messages/);
  } finally {
    redis.disconnect();
  }
});

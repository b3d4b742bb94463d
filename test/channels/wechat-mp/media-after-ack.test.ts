import { existsSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { Redis } from 'ioredis';
import pg from 'pg';
import { WechatMpApiClient } from '../../../src/channels/wechat-mp/api-client.ts';
import { downloadMedia, MEDIA_MAX_BYTES } from '../../../src/channels/wechat-mp/download-media.ts';
import { MediaUnavailableError } from '../../../src/errors.ts';
import { startService, type Service } from '../../../src/composition.ts';
import { loadConfig } from '../../../src/config/env.ts';
import { FakeWechatMpApi } from '../../../src/simulator/fake-wechat-mp-api.ts';
import { mpXml, sealMpCallback } from '../../../src/simulator/wechat-mp-callback.ts';
import { createTestDatabase } from '../../support/databases.ts';
import { EchoBrain, flushOwnRedisDb } from '../../support/wechat-family-service.ts';
import { eventually } from '../../support/wecom-service.ts';

/** Redis logical DB 12 belongs to this file (flushed before use). */
const REDIS_URL = 'redis://127.0.0.1:6379/12';
const account = { appId: 'wxmediaapp0001', secret: 'media-secret', token: 'mediatoken' };
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 1, 2, 3]);

test('an OA image is acknowledged without fetching it; a worker on another machine stores the bytes in the database, and an expired MediaId does not stall the turn', async (t) => {
  t.timeout(90_000);
  await flushOwnRedisDb(REDIS_URL);
  const wechat = new FakeWechatMpApi({ appId: account.appId, appSecret: account.secret });
  const apiBase = await wechat.listen();
  const database = await createTestDatabase('postgres');
  // The API and the worker run as two replicas with disks of their own: nothing is shared but PostgreSQL and Redis.
  const apiDisk = await createTestDatabase('pglite');
  const workerDisk = await createTestDatabase('pglite');
  const sql = new pg.Client({ connectionString: database.url });
  await sql.connect();
  const services: Service[] = [];
  t.teardown(async () => {
    for (const s of services) await s.stop();
    await sql.end();
    await wechat.close();
    for (const d of [database, apiDisk, workerDisk]) await d.drop();
  });
  const env = (dataDir: string) =>
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      COALESCE_WINDOW_MS: '0',
      JOB_BACKOFF_MS: '50',
      REDIS_URL,
      REDIS_PREFIX: 'kefu-test-mp-media',
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      WECHAT_MP_APP_ID: account.appId,
      WECHAT_MP_APP_SECRET: account.secret,
      WECHAT_MP_TOKEN: account.token,
      WECHAT_MP_API_BASE: apiBase,
      WEB_CHAT_ENABLED: 'false',
    });
  const brain = new EchoBrain();
  const api = await startService(env(apiDisk.dataDir), 'api');
  services.push(api);

  wechat.addMedia('MEDIA_IMG_7', JPEG, 'image/jpeg');
  const now = Math.floor(Date.now() / 1000);
  const post = (from: string, mediaId: string, msgId: number) => {
    const cb = sealMpCallback(
      account,
      mpXml({ ToUserName: 'gh', FromUserName: from, CreateTime: now, MsgType: 'image', MediaId: mediaId, MsgId: msgId }),
      'plain',
    );
    return fetch(`http://127.0.0.1:${api.port}/callbacks/wechat-mp/default?${cb.query}`, { method: 'POST', body: cb.body });
  };
  t.is((await post('o-photo', 'MEDIA_IMG_7', 770001)).status, 200);
  // WeChat keeps temporary media 3 days: an older MediaId answers 40007.
  t.is((await post('o-late', 'MEDIA_EXPIRED', 770002)).status, 200);
  t.is(wechat.mediaRequests, 0, 'the callbacks were acknowledged without calling media/get');

  services.push(await startService(env(workerDisk.dataDir), 'worker', { brain }));
  const content = async (msgId: number) =>
    (await sql.query(`select content from messages where platform_message_id = $1`, [String(msgId)])).rows[0].content;
  await eventually(async () => (await content(770001)).mediaStoreId !== undefined, 30_000, 'image stored');
  const { mediaStoreId } = await content(770001);
  const stored = await sql.query('select bytes, content_type, owner from web_uploads where id = $1', [mediaStoreId]);
  t.deepEqual(stored.rows[0].bytes, JPEG);
  t.is(stored.rows[0].content_type, 'image/jpeg');
  t.is(stored.rows[0].owner, 'o-photo');
  for (const disk of [apiDisk, workerDisk]) t.false(existsSync(join(disk.dataDir, 'media')), 'nothing on a replica’s disk');

  // The expired one is recorded and the customer is still answered.
  await wechat.waitFor(() => wechat.deliveredTo('o-late').length === 1);
  t.regex((await content(770002)).mediaError, /40007/);
  t.is(wechat.mediaRequests, 2, 'each MediaId is fetched once');
});

test('a media/get body larger than any temporary media is cut off and refused, not buffered', async (t) => {
  const wechat = new FakeWechatMpApi({ appId: account.appId, appSecret: account.secret });
  const apiBase = await wechat.listen();
  const redis = new Redis(REDIS_URL, { keyPrefix: 'kefu-test-mp-media-cap:' });
  t.teardown(async () => {
    redis.disconnect();
    await wechat.close();
  });
  const client = new WechatMpApiClient({ name: 'default', ...account, appSecret: account.secret, apiBase }, redis, () => {});
  wechat.addMedia('MEDIA_HUGE', Buffer.alloc(MEDIA_MAX_BYTES + 1), 'video/mp4');
  wechat.addMedia('MEDIA_OK', JPEG, 'image/jpeg');
  const err = await t.throwsAsync(downloadMedia(client, 'MEDIA_HUGE'), { instanceOf: MediaUnavailableError });
  t.regex(err!.message, new RegExp(`larger than ${MEDIA_MAX_BYTES} bytes`));
  t.deepEqual((await downloadMedia(client, 'MEDIA_OK')).bytes, JPEG);
});

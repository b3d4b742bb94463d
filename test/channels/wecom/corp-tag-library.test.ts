import test from 'ava';
import { Redis } from 'ioredis';
import { WecomApiClient } from '../../../src/channels/shared/wecom-api-client.ts';
import { createCorpTagLibrary } from '../../../src/channels/wecom/corp-tag-library.ts';
import { DeliveryError, RejectedRequestError } from '../../../src/errors.ts';
import { FakeWecomApi } from '../../../src/simulator/fake-wecom-api.ts';
import { REDIS_URL } from '../../support/wecom-service.ts';

async function library(t: import('ava').ExecutionContext) {
  // A corp of this test's own: the token and the rate counters in Redis are keyed by it.
  const corpId = `wwtags${Math.random().toString(36).slice(2, 10)}`;
  const wecom = new FakeWecomApi({ corpId, secret: 's', agentId: 1 });
  const apiBase = await wecom.listen();
  const redis = new Redis(REDIS_URL);
  t.teardown(async () => {
    redis.disconnect();
    await wecom.close();
  });
  const client = new WecomApiClient(
    { corpId, secret: 's', apiBase },
    { redis, tokenKey: `wecom:token:${corpId}`, codePrefix: 'wecom', onTokenFetched: () => {} },
  );
  return { wecom, tags: createCorpTagLibrary('default', corpId, client, redis) };
}

test('WeCom answering 40068 to an edit of another app’s tag is a read-only refusal that says why', async (t) => {
  const { wecom, tags } = await library(t);
  const theirs = wecom.corpTags.addByOther('客户等级', 'VIP');
  const err = await t.throwsAsync(tags.rename(theirs, '贵宾'), { instanceOf: RejectedRequestError });
  t.is(err!.code, 'tag_read_only');
  t.regex(err!.message, /an app edits only the corp tags it created/);
  await t.throwsAsync(tags.remove([theirs]), { instanceOf: RejectedRequestError, message: /another app created it/ });
  t.deepEqual(wecom.corpTags.live(), { 客户等级: ['VIP'] });

  const ours = await tags.create('客户等级', '大客户');
  await tags.rename(ours.id, '重点客户');
  t.deepEqual(wecom.corpTags.live(), { 客户等级: ['VIP', '重点客户'] });
});

test('a corp tag name over 30 characters is refused before calling; a busy WeCom is a retryable failure', async (t) => {
  const { wecom, tags } = await library(t);
  await t.throwsAsync(tags.create('组', '长'.repeat(31)), { instanceOf: RejectedRequestError, message: /at most 30 characters/ });
  t.deepEqual(wecom.corpTags.calls, [], 'nothing reached WeCom');
  wecom.failNext(1, { errcode: -1, errmsg: 'system busy' });
  const busy = await t.throwsAsync(tags.list(), { instanceOf: DeliveryError });
  t.true(busy!.retryable);
  t.deepEqual(await tags.list(), []);
});

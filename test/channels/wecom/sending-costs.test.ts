import test, { type ExecutionContext } from 'ava';
import { Redis } from 'ioredis';
import { WecomApiClient } from '../../../src/channels/shared/wecom-api-client.ts';
import type { WecomAccount } from '../../../src/channels/wecom/config.ts';
import { sendWecomText } from '../../../src/channels/wecom/send-text.ts';
import { DeliveryError } from '../../../src/errors.ts';
import { FakeWecomApi } from '../../../src/simulator/fake-wecom-api.ts';
import { REDIS_URL } from '../../support/wecom-service.ts';

/** A corp of the test's own (the token and the rate counters in Redis are keyed by it), and `processes` clients of it sharing one Redis. */
async function corp(t: ExecutionContext, processes = 1) {
  const corpId = `wwsend${Math.random().toString(36).slice(2, 10)}`;
  const wecom = new FakeWecomApi({ corpId, secret: 's', agentId: 1 });
  const apiBase = await wecom.listen();
  const redis = new Redis(REDIS_URL);
  const tokenKey = `wecom:token:${corpId}:1`;
  t.teardown(async () => {
    await redis.del(tokenKey);
    redis.disconnect();
    await wecom.close();
  });
  const account: WecomAccount = { name: 'default', corpId, agentId: 1, secret: 's', token: 't', encodingAesKey: 'k'.repeat(43), apiBase };
  const clients = Array.from(
    { length: processes },
    () => new WecomApiClient({ corpId, secret: 's', apiBase }, { redis, tokenKey, codePrefix: 'wecom', onTokenFetched: () => {} }),
  );
  let deliveryId = 0;
  const send = (client: WecomApiClient, user: string, text: string) =>
    sendWecomText(client, account, redis, { accountName: 'default', customerExternalId: user }, text, ++deliveryId);
  return { wecom, redis, corpId, tokenKey, clients, send };
}

test('a process reads the access token from Redis once, not per send', async (t) => {
  const { wecom, redis, tokenKey, clients, send } = await corp(t);
  await send(clients[0]!, 'alice', '一');
  t.is(wecom.tokenFetches, 1);
  // Gone from Redis: a process that read it for every send would fetch a new one now.
  await redis.del(tokenKey);
  await send(clients[0]!, 'alice', '二');
  t.is(wecom.tokenFetches, 1, 'the second send used the token the first one read');
  t.deepEqual(wecom.deliveredTo('alice'), ['一', '二']);
});

test('a token another process replaced is dropped here once WeCom rejects it, and the send goes through with the new one', async (t) => {
  const { wecom, clients, send } = await corp(t, 2);
  const [a, b] = clients as [WecomApiClient, WecomApiClient];
  await send(a, 'alice', '一');
  await send(b, 'bob', '一');
  t.is(wecom.tokenFetches, 1, 'both processes use the one token');

  wecom.expireTokens();
  await send(a, 'alice', '二');
  t.is(wecom.tokenFetches, 2, 'a met 42001 and fetched a new token');
  // b still holds the expired token: WeCom rejects it, b drops it and takes a's from Redis.
  await send(b, 'bob', '二');
  t.is(wecom.tokenFetches, 2, 'b did not fetch another');
  t.deepEqual(wecom.deliveredTo('bob'), ['一', '二']);
});

test('the 31st text to one member within a minute is deferred to the next minute, not sent', async (t) => {
  const { wecom, redis, corpId, clients, send } = await corp(t);
  // The counter is per calendar minute: start early in one, so that all 31 sends fall in it.
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 50_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 50));
  for (let i = 1; i <= 30; i++) await send(clients[0]!, 'alice', `第${i}条`);
  const err = await t.throwsAsync(send(clients[0]!, 'alice', '第31条'), { instanceOf: DeliveryError });
  t.true(err!.retryable);
  t.is(err!.platformCode, 'wecom:member_rate');
  t.true(err!.retryAfterMs! > 0 && err!.retryAfterMs! <= 60_000, `retry after ${err!.retryAfterMs} ms`);
  t.is(wecom.deliveredTo('alice').length, 30);
  await send(clients[0]!, 'bob', '你好');
  t.deepEqual(wecom.deliveredTo('bob'), ['你好'], 'other members are counted apart');

  const [counter] = await redis.keys(`wecom:rate:${corpId}:1:alice:*`);
  const ttl = await redis.ttl(counter!);
  t.true(ttl > 0 && ttl <= 120, `the counter expires (ttl ${ttl} s)`);
  await redis.del(counter!, ...(await redis.keys(`wecom:rate:${corpId}:1:bob:*`)));
});

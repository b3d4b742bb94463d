import test from 'ava';
import { Redis } from 'ioredis';
import { createKfApiClient } from '../../../src/channels/wecom-kf/kf-api-client.ts';
import { syncKfMessages } from '../../../src/channels/wecom-kf/sync-messages.ts';
import { loadSyncState, requestSync } from '../../../src/channels/wecom-kf/sync-state.ts';
import type { InboundMessage } from '../../../src/channels/types.ts';
import { migratedDatabase } from '../../support/databases.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { RecordedEvents } from '../../support/recorded-events.ts';
import { FakeWecomKfApi } from '../../../src/simulator/fake-wecom-kf-api.ts';

/**
 * The kf cursor never runs ahead of storage: a failure while storing a page leaves the cursor at
 * the page's start, and the next run stores the rest without losing or repeating any message.
 * PGlite in memory; Redis logical DB 13 (this file's; only the token cache lives there, prefixed).
 */
test('a failure mid-page keeps the cursor at the page start; the next run stores the rest once', async (t) => {
  const corp = { corpId: 'wwcursor', secret: 's', token: 't', encodingAesKey: 'kfkfkfkfkfkfkfkfkfkfkfkfkfkfkfkfkfkfkfkfkfk' };
  const fake = new FakeWecomKfApi({
    corpId: corp.corpId,
    secret: corp.secret,
    callbackToken: corp.token,
    encodingAesKey: corp.encodingAesKey,
  });
  const apiBase = await fake.listen();
  const { handle: database, close: closeDatabase } = await migratedDatabase('pglite');
  const redis = new Redis('redis://127.0.0.1:6379/13', { keyPrefix: `kf-cursor-${process.pid}:` });
  t.teardown(async () => {
    redis.disconnect();
    await closeDatabase();
    await fake.close();
  });
  const account = { name: 'default', ...corp, apiBase };
  const client = createKfApiClient(account, redis, () => {});
  fake.pageSize = 3;
  for (let i = 1; i <= 7; i++) fake.customerSays('wkA', `wm-${i}`, `m${i}`);
  await requestSync(database.db, 'default', 'wkA', 'expired-token-is-dropped');

  const stored = new Map<string, number>();
  let failOn: string | undefined = 'm5';
  const accept = async (m: InboundMessage) => {
    const text = m.content.type === 'text' ? m.content.text : '';
    if (text === failOn) throw new Error('database unavailable');
    const seen = stored.has(m.dedupeKey);
    stored.set(m.dedupeKey, (stored.get(m.dedupeKey) ?? 0) + 1);
    return seen ? ({ outcome: 'duplicate' } as const) : ({ outcome: 'accepted', messageId: stored.size, conversationId: 1 } as const);
  };
  const deps = { db: database.db, client, account, accept, events: new RecordedEvents(), logger: createLogger('silent') };

  await t.throwsAsync(syncKfMessages(deps, 'wkA'), { message: 'database unavailable' });
  const afterFailure = await loadSyncState(database.db, 'default', 'wkA');
  t.is(Buffer.from(afterFailure!.cursor!, 'base64url').toString(), 'pos:3', 'cursor at the start of the page that failed');
  t.true(afterFailure!.syncedGeneration < afterFailure!.requestedGeneration, 'still due');

  failOn = undefined;
  const result = await syncKfMessages(deps, 'wkA');
  t.true(result.done);
  const state = await loadSyncState(database.db, 'default', 'wkA');
  t.is(Buffer.from(state!.cursor!, 'base64url').toString(), 'pos:7');
  t.is(state!.syncedGeneration, state!.requestedGeneration);
  t.is(stored.size, 7, 'no message lost');
  // m4 was stored before the failure and is fetched again with its page: accepted once, then a duplicate.
  t.deepEqual([...stored.values()].filter((n) => n > 1).length, 1);
});

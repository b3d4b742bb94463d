import { randomBytes } from 'node:crypto';
import { recordAnnouncements } from '../support/conversation-event-recorder.ts';
import test from 'ava';
import { Redis } from 'ioredis';
import type { InboundMessage } from '../../src/channels/types.ts';
import { syncChannelAccounts } from '../../src/conversations/channel-accounts.ts';
import { recordInbound, recordInboundBatch } from '../../src/conversations/record-inbound.ts';
import { connectDatabase, pgliteDirUnder } from '../../src/db/connect.ts';
import { applyMigrations } from '../../src/db/migrate.ts';
import { UnavailableError } from '../../src/errors.ts';
import { createIntake } from '../../src/intake/accept-inbound.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { createConversationQueue } from '../../src/queue/conversation-queue.ts';
import { createTestDatabase, DATABASE_KINDS, type DatabaseKind } from '../support/databases.ts';
import { deleteRedisPrefix, REDIS_URL } from '../support/wecom-service.ts';

async function openDatabase(t: { teardown(fn: () => Promise<void>): void }, kind: DatabaseKind) {
  const testDb = await createTestDatabase(kind);
  const handle = await connectDatabase({ url: testDb.url || undefined, pgliteDir: pgliteDirUnder(testDb.dataDir) });
  t.teardown(async () => {
    await handle.close();
    await testDb.drop();
  });
  await applyMigrations(handle);
  const accounts = await syncChannelAccounts(handle.db, [{ channel: 'wecom', name: 'default', settings: {} }]);
  return { db: handle.db, accountId: accounts.get('wecom/default')! };
}

let counter = 0;
const text = (customer: string, body: string, dedupeKey = `k${++counter}`): InboundMessage => ({
  channel: 'wecom',
  accountName: 'default',
  customerExternalId: customer,
  dedupeKey,
  platformMessageId: dedupeKey,
  sentAt: new Date(),
  content: { type: 'text', text: body },
});

for (const kind of DATABASE_KINDS) {
  test(`${kind}: one batch statement stores new and known customers' messages in arrival order and tells retries apart`, async (t) => {
    const { db, accountId } = await openDatabase(t, kind);
    const known = await recordInbound(db, accountId, text('known', '你好'));
    const storedRetry = text('known', '发票怎么开');
    const stored = await recordInbound(db, accountId, storedRetry);

    const first = text('newcomer', '第一句');
    const batch = [first, text('newcomer', '第二句'), text('known', '还在吗'), first, storedRetry];
    const results = await recordInboundBatch(
      db,
      batch.map((message) => ({ channelAccountId: accountId, message })),
    );

    const [a, b, c, firstAgain, retryAgain] = results;
    t.false(a!.duplicate);
    t.false(b!.duplicate);
    t.is(a!.conversationId, b!.conversationId, "one new customer's two messages open one conversation");
    t.true(a!.messageId < b!.messageId, 'ids follow arrival order');
    t.false(c!.duplicate);
    t.is(c!.conversationId, known.conversationId, "a known customer's message joins their open conversation");
    t.true(firstAgain!.duplicate, 'the same callback twice in one batch: the second is a duplicate of the first');
    t.is(firstAgain!.messageId, a!.messageId);
    t.true(firstAgain!.stillPending);
    t.true(retryAgain!.duplicate);
    t.is(retryAgain!.messageId, stored.messageId, 'a retry of a stored callback is the stored message');
  });
}

test('callbacks arriving together share statements, and a message PostgreSQL refuses fails alone: the rest stored with it are kept and queued', async (t) => {
  const { db, accountId } = await openDatabase(t, 'postgres');
  const prefix = `kefu-test-${randomBytes(4).toString('hex')}`;
  const queueConnection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = createConversationQueue(queueConnection, prefix, 3);
  t.teardown(async () => {
    await queue.close();
    queueConnection.disconnect();
    await deleteRedisPrefix(prefix);
  });
  const metrics = createMetrics();
  const { accept, settle } = createIntake({
    db,
    queue,
    accountIds: new Map([['wecom/default', accountId]]),
    logger: createLogger('silent'),
    metrics,
    announce: recordAnnouncements(),
    coalesceWindowMs: 0,
  });

  // jsonb has no NUL character: PostgreSQL refuses the whole statement that carries one.
  const messages = Array.from({ length: 40 }, (_, i) => text(`customer-${i}`, i === 17 ? 'bad\u0000text' : `问题 ${i}`));
  const outcomes = await Promise.allSettled(messages.map((m) => accept(m)));

  const refused = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [i] : []));
  t.deepEqual(refused, [17]);
  t.true((outcomes[17] as PromiseRejectedResult).reason instanceof UnavailableError, 'refused with 503, so the platform retries');
  const accepted = outcomes.flatMap((o) => (o.status === 'fulfilled' && o.value.outcome === 'accepted' ? [o.value.messageId] : []));
  t.is(accepted.length, 39);
  t.is(new Set(accepted).size, 39);
  await settle();
  t.is(await queue.count(), 39, 'every stored message has its job');
  const sizes = (await metrics.groupCommitSize.get()).values;
  const statements = sizes.find((v) => v.metricName === 'kefu_group_commit_size_count' && v.labels.batch === 'inbound_messages')!.value;
  t.true(statements < 40, `40 callbacks took ${statements} statements`);
});

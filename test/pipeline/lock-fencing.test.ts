import test from 'ava';
import { Redis } from 'ioredis';
import { eq } from 'drizzle-orm';
import { deliveries } from '../../src/db/schema.ts';
import { turnJobId } from '../../src/queue/conversation-queue.ts';
import { ScriptedBrain } from '../support/scripted-brain.ts';
import { eventually, REDIS_URL, startHarness } from '../support/wecom-service.ts';

// Two parts: WeCom takes at most 2048 bytes per text (src/channels/wecom/split-text.ts).
const PART_ONE = '一'.repeat(600);
const PART_TWO = '二'.repeat(600);

test('a turn whose conversation lock expired and passed to another sends nothing more; the new holder sends each part once', async (t) => {
  t.timeout(60_000);
  const brain = new ScriptedBrain({ decide: () => ({ kind: 'reply', text: `${PART_ONE}\n\n${PART_TWO}`, meta: {} }) });
  const h = await startHarness({ database: 'postgres', brain, env: { COALESCE_WINDOW_MS: '0' } });
  t.teardown(() => h.close());
  const redis = new Redis(REDIS_URL, { keyPrefix: `${h.service.redisPrefix}:` });
  t.teardown(() => redis.disconnect());

  // The first part's request takes 3 s: turn A holds the lock, waiting for WeCom.
  h.wecom.failNext(1, { delayMs: 3000 });
  t.is((await h.sendText('lisi', '介绍一下')).status, 200);
  await eventually(async () => h.wecom.sendRequests === 1, 30_000, 'turn A sending part one');
  const [reply] = await h.service.db.select().from(deliveries).where(eq(deliveries.part, 0));
  const conversationId = reply!.conversationId;

  // Meanwhile A's lock expires (as after a long pause) and turn B of the same conversation takes it.
  await redis.del(`conversation-lock:${conversationId}`);
  const data = { conversationId, messageId: reply!.messageId, messageStoredAt: Date.now() };
  await h.queue().add('turn', data, { jobId: turnJobId(data) });
  await eventually(
    async () => {
      const rows = await h.service.db.select().from(deliveries).where(eq(deliveries.conversationId, conversationId));
      return rows.length === 2 && rows.every((d) => d.status === 'sent');
    },
    15_000,
    'every part sent',
  );
  // A's first request has returned by now; give A the time it would need to send part two too.
  await eventually(async () => h.wecom.sendRequests >= 3, 30_000, 'B resent part one and sent part two');
  await new Promise((r) => setTimeout(r, 4000));

  // A: part one. B: part one again (it may have arrived; WeCom's duplicate check drops it) and part two. A never sends part two.
  t.is(h.wecom.sendRequests, 3);
  t.deepEqual(
    h.wecom.deliveredTo('lisi').filter((text) => text === PART_TWO),
    [PART_TWO],
  );
});

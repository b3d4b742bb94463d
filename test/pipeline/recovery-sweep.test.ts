import test from 'ava';
import { createLogger } from '../../src/observability/logger.ts';
import { sweepLostWork } from '../../src/workers/recovery-sweep.ts';
import { ScriptedBrain } from '../support/scripted-brain.ts';
import { startHarness } from '../support/wecom-service.ts';

test.serial('a message whose job the queue lost is queued again by the recovery sweep and answered once', async (t) => {
  const h = await startHarness({ database: 'pglite', brain: new ScriptedBrain(), env: { COALESCE_WINDOW_MS: '1500' } });
  t.teardown(() => h.close());
  const queue = h.queue();
  await h.sendText('lost', '在吗');
  // Redis loses the job (a restart without persistence, say); the message is only in the database.
  t.is(await queue.getDelayedCount(), 1, 'the job is queued before the callback is answered');
  await queue.obliterate({ force: true });
  const logger = createLogger('silent');
  t.is(await sweepLostWork(h.service.db, queue, 60_000, logger), 0, 'too recent to be called lost');
  t.is(await sweepLostWork(h.service.db, queue, 0, logger), 1);
  t.is(await sweepLostWork(h.service.db, queue, 0, logger), 1, 'sweeping again finds the same message…');
  const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
  t.is(
    Object.values(counts).reduce((a, b) => a + b, 0),
    1,
    '…but queues it once: the job id derives from the message',
  );
  await h.wecom.waitForDelivered(1);
  t.deepEqual(h.wecom.deliveredTo('lost'), ['答：在吗']);
});

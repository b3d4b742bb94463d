import test from 'ava';
import type { Queue } from 'bullmq';
import { assignConversation } from '../../src/conversations/assign-conversation.ts';
import { recordConversationEvents } from '../support/conversation-event-recorder.ts';
import { sendAgentReply } from '../../src/conversations/send-agent-reply.ts';
import { conversations } from '../../src/db/schema.ts';
import type { TurnJobData } from '../../src/queue/conversation-queue.ts';
import { createStaffUser } from '../../src/staff/staff-users.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { sweepLostWork } from '../../src/workers/recovery-sweep.ts';
import { ScriptedBrain } from '../support/scripted-brain.ts';
import { eventually, startHarness } from '../support/wecom-service.ts';

test.serial('a message whose job the queue lost is queued again by the recovery sweep and answered once', async (t) => {
  const h = await startHarness({ database: 'pglite', brain: new ScriptedBrain(), env: { COALESCE_WINDOW_MS: '1500' } });
  t.teardown(() => h.close());
  const queue = h.queue();
  await h.sendText('lost', '在吗');
  // Queued right after the callback is answered (the ack waits for the commit, not the queue).
  await eventually(async () => (await queue.getDelayedCount()) === 1, 30_000, 'the job to be queued');
  const logger = createLogger('silent');
  const allJobs = async () =>
    Object.values(await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed')).reduce((a, b) => a + b, 0);
  t.is(await sweepLostWork(h.service.db, queue, 0, logger), 1, 'still pending, so the sweep finds it…');
  t.is(await allJobs(), 1, '…and its job id is the one it already has: no second job');
  // Redis loses the job (a restart without persistence, say); the message is only in the database.
  await queue.obliterate({ force: true });
  t.is(await sweepLostWork(h.service.db, queue, 60_000, logger), 0, 'too recent to be called lost');
  t.is(await sweepLostWork(h.service.db, queue, 0, logger), 1);
  t.is(await sweepLostWork(h.service.db, queue, 0, logger), 1, 'sweeping again finds the same message…');
  t.is(await allJobs(), 1, '…but queues it once: the job id derives from the message');
  await h.wecom.waitForDelivered(1);
  t.deepEqual(h.wecom.deliveredTo('lost'), ['答：在吗']);
});

test.serial('an agent reply whose turn was never queued (Redis away) is delivered by the recovery sweep, once', async (t) => {
  const h = await startHarness({ database: 'pglite', brain: new ScriptedBrain() });
  t.teardown(() => h.close());
  const logger = createLogger('silent');
  const db = h.service.db;
  await h.sendText('later', '在吗');
  await h.wecom.waitForDelivered(1);
  const [conversation] = await db.select().from(conversations);
  const audit = { actorId: null, sourceIp: null, via: 'cli' as const };
  const boss = await createStaffUser(db, { email: 'boss@example.com', role: 'supervisor', password: 'a long enough test password' }, audit);
  const actor = { userId: boss.id, role: boss.role, displayName: boss.displayName };
  const events = recordConversationEvents();
  await assignConversation({ db, events }, actor, { conversationId: conversation!.id, assignee: boss.id }, audit);
  const redisAway = {
    addBulk: async () => {
      throw new Error('Connection is closed.');
    },
  } as unknown as Queue<TurnJobData>;
  const deps = {
    db,
    queue: redisAway,
    logger,
    events,
    splitText: (_channel: string, text: string) => [text],
    replyWindowRule: () => undefined,
  };
  await sendAgentReply(deps, actor, { conversationId: conversation!.id, text: '我来帮您' }, audit);
  await new Promise((r) => setTimeout(r, 300));
  t.deepEqual(h.wecom.deliveredTo('later'), ['答：在吗'], 'not sent: nothing queued it');
  t.is(await sweepLostWork(db, h.queue(), 0, logger), 1, 'the sweep finds the reply by its own turn');
  await h.wecom.waitForDelivered(2);
  await eventually(async () => (await sweepLostWork(db, h.queue(), 0, logger)) === 0, 30_000, 'nothing left to sweep');
  t.deepEqual(h.wecom.deliveredTo('later'), ['答：在吗', '我来帮您']);
  t.deepEqual(
    events.published.map((e) => [e.change, e.status, e.assignee]),
    [
      ['assigned', 'human', boss.id],
      ['message', 'human', boss.id],
    ],
  );
});

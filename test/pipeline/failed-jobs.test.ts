import test from 'ava';
import { eq } from 'drizzle-orm';
import { conversations, messages } from '../../src/db/schema.ts';
import { ScriptedBrain } from '../support/scripted-brain.ts';
import { eventually, startHarness } from '../support/wecom-service.ts';

test.serial('a turn that keeps failing ends failed — visible, retryable — and its conversation goes to a human', async (t) => {
  let brainWorks = false;
  const brain = new ScriptedBrain({
    decide: (texts) => {
      if (!brainWorks) throw new Error('model endpoint down');
      return { kind: 'reply', text: `答：${texts.join('')}`, meta: {} };
    },
  });
  const h = await startHarness({ database: 'postgres', brain, env: { JOB_ATTEMPTS: '3' } });
  t.teardown(() => h.close());
  const queue = h.queue();

  await h.sendText('liuyi', '你好');
  const [failed] = await eventually(
    async () => {
      const jobs = await queue.getFailed();
      return jobs.length > 0 && jobs;
    },
    10_000,
    'failed job',
  );
  t.is(failed!.attemptsMade, 3);
  t.regex(failed!.failedReason, /model endpoint down/);
  const conversation = await eventually(
    async () => {
      const [c] = await h.service.db.select().from(conversations);
      return c?.status === 'needs_human' && c;
    },
    5000,
    'conversation flagged',
  );
  t.is(conversation.handoffReason, 'job_failed');
  t.is(h.wecom.delivered.length, 0);

  // The operator fixes the cause and retries the job; the customer's message is still there — but
  // the conversation now belongs to a person: the bot holds it for them and tells the customer so.
  brainWorks = true;
  await failed!.retry('failed');
  await eventually(async () => (await queue.getJobCounts('completed')).completed === 1, 5000, 'retried job completes');
  t.deepEqual(h.wecom.deliveredTo('liuyi'), ['已收到您的消息，人工客服会尽快回复您，请稍候。']);
  t.is(brain.calls.length, 3, 'only the three failed attempts asked the brain');
  const [held] = await h.service.db.select().from(messages).where(eq(messages.direction, 'in'));
  t.is(held!.status, 'held');
});

import test from 'ava';
import { eq } from 'drizzle-orm';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { conversations, messages } from '../../src/db/schema.ts';
import { runQueueCli } from '../support/kb-cli.ts';
import { ScriptedBrain } from '../support/scripted-brain.ts';
import { eventually, REDIS_URL, startHarness } from '../support/wecom-service.ts';

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
  await eventually(async () => (await queue.getJobCounts('completed')).completed === 1, 30_000, 'retried job completes');
  t.deepEqual(h.wecom.deliveredTo('liuyi'), ['已收到您的消息，人工客服会尽快回复您，请稍候。']);
  t.is(brain.calls.length, 3, 'only the three failed attempts asked the brain');
  const [held] = await h.service.db.select().from(messages).where(eq(messages.direction, 'in'));
  t.is(held!.status, 'held');
});

test.serial(
  'a turn that always throws ends in the dead-letter view without customer text, and the account and conversation move on',
  async (t) => {
    const MARKER = 'MARKER-dead-letter-客户原话';
    // The error a failing statement throws: drizzle lists the bound values (the customer's text) in its message.
    const brain = new ScriptedBrain({
      decide: (texts) => {
        if (texts.some((text) => text.includes(MARKER))) {
          throw new DrizzleQueryError('insert into answers (text) values ($1)', texts, new Error('statement failed'));
        }
        return { kind: 'reply', text: `答：${texts.join('')}`, meta: {} };
      },
    });
    const h = await startHarness({ database: 'postgres', brain, env: { JOB_ATTEMPTS: '2' } });
    t.teardown(() => h.close());
    const queue = h.queue();

    await h.sendText('liuyi', `${MARKER}：退款`);
    const [failed] = await eventually(async () => {
      const jobs = await queue.getFailed();
      return jobs.length > 0 && jobs;
    });
    t.is(failed!.attemptsMade, 2, 'bounded attempts');
    t.regex(failed!.failedReason, /^Failed query: insert into answers/);
    t.false(JSON.stringify([failed!.failedReason, failed!.stacktrace]).includes(MARKER), 'Redis keeps no customer text');

    // Another customer of the same account is answered; the failed one's conversation went to a
    // person, and its next message is held for them rather than stuck behind the failed job.
    await h.sendText('wangwu', '你好');
    await h.sendText('liuyi', '还在吗');
    await eventually(async () => h.wecom.delivered.length === 2 || undefined);
    t.deepEqual(h.wecom.deliveredTo('wangwu'), ['答：你好']);
    t.deepEqual(h.wecom.deliveredTo('liuyi'), ['已收到您的消息，人工客服会尽快回复您，请稍候。']);

    const env = { REDIS_URL, REDIS_PREFIX: h.prefix, LOG_LEVEL: 'silent' };
    const listed = await runQueueCli(['failed'], env);
    t.is(listed.code, 0, listed.stderr);
    t.regex(listed.stdout, /conversation-turns[\s\S]*Failed query: insert into answers/);
    t.false(listed.stdout.includes(MARKER));
    const retried = await runQueueCli(['retry-failed'], env);
    t.regex(retried.stdout, /^1 failed job\(s\) moved back to waiting/m);
  },
);

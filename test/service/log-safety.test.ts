import test from 'ava';
import { eq } from 'drizzle-orm';
import pg from 'pg';
import { messages } from '../../src/db/schema.ts';
import { captureLogs, type LogLine } from '../support/captured-logs.ts';
import { ScriptedBrain } from '../support/scripted-brain.ts';
import { eventually, startHarness } from '../support/wecom-service.ts';

/**
 * No log line carries customer text, whatever fails: the service runs with its own logger writing
 * into memory, customers write a marker, and every line at info and above is searched for it.
 */
const MARKER = 'MARKER-7f3a-客户私密';
const WARN = 40;

const leaks = (lines: LogLine[]) => lines.filter((l) => l.level >= 30 && JSON.stringify(l).includes(MARKER));

test.serial('a NUL in a signed WeCom callback is stored as U+FFFD, answered, and never logged', async (t) => {
  const logs = captureLogs('info');
  const h = await startHarness({ database: 'postgres', brain: new ScriptedBrain(), logger: logs.logger });
  t.teardown(() => h.close());

  const res = await h.sendText('nul\u0000user', `${MARKER}\u0000尾`);
  t.is(res.status, 200);
  t.is(await res.text(), '');
  const [reply] = await h.wecom.waitForDelivered(1);
  t.is(reply!.touser, 'nul\ufffduser');
  t.is(reply!.content, `答：${MARKER}\ufffd尾`);
  const [stored] = await h.service.db.select().from(messages).where(eq(messages.direction, 'in'));
  t.is(stored!.text, `${MARKER}\ufffd尾`);
  t.deepEqual(leaks(logs.lines), []);
});

test.serial('a database refusal answers 503 and logs the constraint and code, never the customer text or the query values', async (t) => {
  const logs = captureLogs('info');
  const h = await startHarness({ database: 'postgres', brain: new ScriptedBrain(), logger: logs.logger });
  t.teardown(() => h.close());
  // A check that refuses the marker stands for any value PostgreSQL turns down: the error quotes
  // the row ("Failing row contains …") and drizzle's message lists the bound parameters.
  const sql = new pg.Client({ connectionString: h.db.url });
  await sql.connect();
  await sql.query(`alter table messages add constraint no_marker check (text not like '%MARKER%')`);
  await sql.end();

  const res = await h.sendText('zhangsan', `订单 ${MARKER} 的退款`);
  t.is(res.status, 503);
  const refused = await eventually(async () => logs.lines.find((l) => l.msg === 'could not store inbound message'), 30_000, 'error line');
  t.true(refused.level > WARN);
  const causes: Array<Record<string, unknown>> = [];
  for (let e = refused.err as Record<string, unknown> | undefined; e && typeof e === 'object'; e = e.cause as Record<string, unknown>) {
    causes.push(e);
  }
  t.true(
    causes.some((e) => e.code === '23514' && e.constraint === 'no_marker'),
    'the PostgreSQL code and constraint are logged',
  );
  t.true(
    causes.some((e) => typeof e.query === 'string' && e.query.includes('insert into messages')),
    'the statement is logged',
  );
  t.deepEqual(leaks(logs.lines), []);
  t.false(logs.raw().includes(MARKER));
});

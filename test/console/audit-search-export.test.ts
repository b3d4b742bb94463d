import test from 'ava';
import { csvField } from '../../src/audit/audit-csv.ts';
import { recordAudit } from '../../src/audit/audit-log.ts';
import { call, logIn, rowsOf, seedUser, startConsoleApp } from '../support/console-api.ts';
import { DATABASE_KINDS } from '../support/databases.ts';

interface Page {
  entries: Array<{ id: number; action: string; actorId: number | null; actorEmail: string | null; objectId: string | null }>;
  nextBefore: number | null;
}

for (const kind of DATABASE_KINDS) {
  test(`${kind}: admins search the audit log by actor, action, object and time, page by page`, async (t) => {
    const app = await startConsoleApp(kind);
    t.teardown(app.close);
    const admin = await seedUser(app.database, 'admin@example.com', 'admin');
    const agent = await seedUser(app.database, 'agent@example.com', 'agent');
    const session = await logIn(app.baseUrl, 'admin@example.com');
    for (let i = 0; i < 5; i++)
      await recordAudit(
        app.database.db,
        { actorId: agent.id, sourceIp: '10.0.0.1' },
        { action: 'token.create', objectType: 'api_token', objectId: i },
      );
    const search = async (query: string) => {
      const response = await call(app.baseUrl, 'GET', `/api/audit?${query}`, session);
      t.is(response.status, 200, query);
      return (await response.json()) as Page;
    };

    const first = await search(`actorId=${agent.id}&limit=2`);
    t.deepEqual(
      first.entries.map((e) => e.objectId),
      ['4', '3'],
      'newest first',
    );
    t.is(first.entries[0]!.actorEmail, 'agent@example.com');
    const second = await search(`actorId=${agent.id}&limit=2&before=${first.nextBefore}`);
    t.deepEqual(
      second.entries.map((e) => e.objectId),
      ['2', '1'],
    );
    const last = await search(`actorId=${agent.id}&limit=2&before=${second.nextBefore}`);
    t.deepEqual(
      last.entries.map((e) => e.objectId),
      ['0'],
    );
    t.is(last.nextBefore, null);

    const logins = await search('action=auth.login');
    t.deepEqual(
      logins.entries.map((e) => e.actorId),
      [admin.id],
    );
    t.deepEqual((await search('objectType=api_token&objectId=3')).entries.length, 1);
    t.is((await search(`from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).entries.length, 0);
    t.is((await search(`to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}&actorId=${agent.id}`)).entries.length, 5);
    t.is((await call(app.baseUrl, 'GET', '/api/audit?action=no.such', session)).status, 400);
  });

  test(`${kind}: the CSV export streams every matching entry oldest first, and is itself audited`, async (t) => {
    const app = await startConsoleApp(kind);
    t.teardown(app.close);
    const admin = await seedUser(app.database, 'admin@example.com', 'admin');
    const session = await logIn(app.baseUrl, 'admin@example.com');
    for (let i = 0; i < 2500; i++) {
      await recordAudit(
        app.database.db,
        { actorId: null, sourceIp: null, via: 'cli' },
        { action: 'user.enable', objectType: 'staff_user', objectId: i },
      );
    }
    const response = await call(app.baseUrl, 'GET', '/api/audit/export?action=user.enable', session);
    t.is(response.status, 200);
    t.regex(response.headers.get('content-type')!, /^text\/csv/);
    t.regex(response.headers.get('content-disposition')!, /attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"/);
    const lines = (await response.text()).trimEnd().split('\r\n');
    t.is(lines[0], 'id,time,actor_id,actor_email,action,object_type,object_id,source_ip,details');
    t.is(lines.length, 2501, 'every entry, across export batches');
    t.regex(lines[1]!, /^\d+,[^,]+,,,user\.enable,staff_user,0,,"{""via"":""cli""}"$/);
    t.regex(lines[2500]!, /,staff_user,2499,/);

    t.is((await call(app.baseUrl, 'GET', '/api/audit/export?action=auth.login_failed', session)).status, 200);

    const exports = await rowsOf<{ actor_id: number; details: { filter: Record<string, unknown> } }>(
      app.database,
      `select actor_id, details from audit_log where action = 'audit.export' order by id`,
    );
    t.deepEqual(
      exports.map((e) => [e.actor_id, e.details.filter]),
      [
        [admin.id, { action: 'user.enable' }],
        [admin.id, { action: 'auth.login_failed' }],
      ],
    );
  });
}

test('a CSV field is quoted when it must be, and one a spreadsheet would run as a formula is neutralised', (t) => {
  t.is(csvField('plain'), 'plain');
  t.is(csvField('a,b'), '"a,b"');
  t.is(csvField('say "hi"'), '"say ""hi"""');
  t.is(csvField('two\nlines'), '"two\nlines"');
  for (const formula of ['=HYPERLINK("http://x")', '+1', '-1+2', '@SUM(A1)'])
    t.true(csvField(formula).replace(/^"/, '').startsWith("'"), formula);
});

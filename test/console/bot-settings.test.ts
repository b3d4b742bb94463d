import test from 'ava';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/db/rows.ts';
import { callJson, signedInStaff } from '../support/console-api.ts';
import { scaledOutEnv, startRole } from '../support/processes.ts';
import { WebVisitor } from '../support/web-visitor.ts';
import { eventually, startHarness } from '../support/wecom-service.ts';

interface PersonaSection {
  version: number;
  savedBy: number | null;
  document: {
    companyName: string;
    botName: string;
    tone: string;
    maxAnswerChars: number;
    greeting?: string;
    accounts: Array<{ channel: string; account: string; botName?: string; greeting?: string }>;
  };
}

const SHARED_SECRET = 'bot-settings-test-secret-of-every-api-process';
const BOT_GREETING = '您好，这里是青禾口腔，请问有什么可以帮您？';
const WIDGET_GREETING = '欢迎来到青禾口腔官网，预约、价格、术后护理都可以问我。';

/**
 * The greeting is saved once, in one API process, and reaches the others without a restart: a
 * second API process (spawned as operators run it) opens new widget sessions with it, and the
 * worker's bot answers a bare 「你好」 with it. Nothing but the settings-changed feed tells them.
 */
test('an admin saves the greeting in one process and every API and worker process uses it at once; the change is versioned and audited', async (t) => {
  const harness = await startHarness({ database: 'postgres', env: { DEMO: '0', WEB_CHAT_SECRET: SHARED_SECRET } });
  t.teardown(harness.close);
  const other = await startRole('api', { ...scaledOutEnv(harness.db, harness.prefix), DEMO: '0', WEB_CHAT_SECRET: SHARED_SECRET });
  t.teardown(() => void other.child.kill('SIGKILL'));
  const otherUrl = `http://127.0.0.1:${other.port}`;
  const admin = await signedInStaff(harness.baseUrl, harness.service.db, 'admin@example.com', 'admin');

  const initial = await callJson<PersonaSection>(harness.baseUrl, admin, 'GET', '/api/settings/persona');
  t.is(initial.status, 200);
  t.like(initial.body, { version: 0, savedBy: null, document: { companyName: '本公司', botName: '在线客服助手', accounts: [] } });
  t.is(initial.body.document.greeting, undefined, 'the neutral default names no shop and has no greeting of its own');
  const before = new WebVisitor(otherUrl);
  t.false('greeting' in (await (await before.startSession()).json()), 'the widget keeps its built-in greeting');

  const document = {
    ...initial.body.document,
    companyName: '青禾口腔',
    greeting: BOT_GREETING,
    accounts: [{ channel: 'web', account: 'default', greeting: WIDGET_GREETING }],
  };
  const saved = await callJson<PersonaSection>(harness.baseUrl, admin, 'PUT', '/api/settings/persona', { baseVersion: 0, document });
  t.is(saved.status, 200, JSON.stringify(saved.body));
  t.like(saved.body, { version: 1, savedBy: admin.id, document: { greeting: BOT_GREETING } });

  const greeting = await eventually(
    async () => {
      const visitor = new WebVisitor(otherUrl);
      const session = (await (await visitor.startSession()).json()) as { greeting?: string };
      return session.greeting === WIDGET_GREETING && session.greeting;
    },
    10_000,
    'the other API process to open sessions with the new greeting',
  );
  t.is(greeting, WIDGET_GREETING);

  const visitor = new WebVisitor(otherUrl);
  await visitor.startSession();
  t.is((await visitor.send('你好')).status, 202);
  const reply = await eventually(
    async () => (await visitor.history()).find((m) => m.from === 'bot'),
    30_000,
    'the worker to answer the greeting',
  );
  t.is(reply.text, BOT_GREETING, 'the worker answers a bare greeting with the saved one');

  const stale = await callJson(harness.baseUrl, admin, 'PUT', '/api/settings/persona', {
    baseVersion: 0,
    document: { ...document, botName: '小禾' },
  });
  t.is(stale.status, 409, 'a save from an editor that started before version 1 does not overwrite it');
  const empty = await callJson(harness.baseUrl, admin, 'PUT', '/api/settings/persona', {
    baseVersion: 1,
    document: { ...document, greeting: ' ' },
  });
  t.is(empty.status, 400, 'the config file’s schema refuses an empty greeting');
  t.is((await callJson<PersonaSection>(harness.baseUrl, admin, 'GET', '/api/settings/persona')).body.version, 1);

  const audit = await queryRows<{
    actor_id: number;
    object_id: string;
    details: { before: PersonaSection['document'] } & Record<string, unknown>;
  }>(harness.service.db, sql`select actor_id, object_id, details from audit_log where action = 'settings.change' order by id`);
  t.is(audit.length, 1, 'the refused saves left no entry');
  t.like(audit[0], { actor_id: admin.id, object_id: 'persona' });
  t.like(audit[0]!.details, {
    section: 'persona',
    fromVersion: 0,
    toVersion: 1,
    after: { greeting: BOT_GREETING, companyName: '青禾口腔' },
  });
  t.is(audit[0]!.details.before.greeting, undefined);
  t.is(audit[0]!.details.before.companyName, '本公司');
});

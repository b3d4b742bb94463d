import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { sql } from 'drizzle-orm';
import { connectDatabase, type DatabaseHandle } from '../../src/db/connect.ts';
import { queryRows } from '../../src/db/rows.ts';
import { authenticateApiToken } from '../../src/staff/api-tokens.ts';
import { verifyPassword } from '../../src/staff/passwords.ts';
import { PASSWORD } from '../support/console-api.ts';
import { createTestDatabase, DATABASE_KINDS, type DatabaseKind, type TestDatabase } from '../support/databases.ts';
import { runUserCli } from '../support/kb-cli.ts';

const envOf = (db: TestDatabase): Record<string, string> => ({ DATABASE_URL: db.url, DATA_DIR: db.dataDir, LOG_LEVEL: 'silent' });

async function openDatabase(kind: DatabaseKind, db: TestDatabase): Promise<DatabaseHandle> {
  return connectDatabase(kind === 'postgres' ? { url: db.url } : { pgliteDir: join(db.dataDir, 'pglite') });
}

async function withDatabase<T>(kind: DatabaseKind, db: TestDatabase, fn: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  const handle = await openDatabase(kind, db);
  try {
    return await fn(handle);
  } finally {
    await handle.close();
  }
}

for (const kind of DATABASE_KINDS) {
  test(`${kind}: npm run user create makes the first admin from --password-stdin, and token prints a working API token`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(db.drop);
    const created = await runUserCli(
      ['create', '--email', 'Boss@Example.com', '--role', 'admin', '--password-stdin'],
      envOf(db),
      `${PASSWORD}\n`,
    );
    t.is(created.code, 0, created.stderr);
    t.regex(created.stdout, /created admin Boss@Example\.com/);
    t.false(created.stdout.includes(PASSWORD) || created.stderr.includes(PASSWORD));

    const issued = await runUserCli(['token', '--email', 'boss@example.com'], envOf(db));
    t.is(issued.code, 0, issued.stderr);
    const token = issued.stdout.trim();
    t.regex(token, /^kfh_[A-Za-z0-9_-]{43}$/, 'stdout is the token alone, for scripts');

    await withDatabase(kind, db, async ({ db: handle }) => {
      const [user] = await queryRows<{ password_hash: string; role: string }>(handle, sql`select password_hash, role from staff_users`);
      t.is(user!.role, 'admin');
      t.true(await verifyPassword(user!.password_hash, PASSWORD), 'the piped password, less its line break');
      t.like(await authenticateApiToken(handle, token), { email: 'Boss@Example.com', role: 'admin', via: 'token' });
      const audit = await queryRows<{ action: string; actor_id: null; details: { via: string } }>(
        handle,
        sql`select action, actor_id, details from audit_log order by id`,
      );
      t.deepEqual(
        audit.map((a) => [a.action, a.actor_id, a.details.via]),
        [
          ['user.create', null, 'cli'],
          ['token.create', null, 'cli'],
        ],
      );
    });
  });
}

test('create refuses an empty or weak password, and without a terminal or --password-stdin there is no password at all', async (t) => {
  const db = await createTestDatabase('postgres');
  t.teardown(db.drop);
  const create = ['create', '--email', 'a@example.com', '--role', 'admin'];
  for (const input of ['\n', '', 'short\n', 'aaaaaaaaaaaaaaaaaaaa\n']) {
    const result = await runUserCli([...create, '--password-stdin'], envOf(db), input);
    t.is(result.code, 2, JSON.stringify(input));
  }
  const noTerminal = await runUserCli(create, envOf(db));
  t.is(noTerminal.code, 2);
  t.regex(noTerminal.stderr, /--password-stdin/);
  const listed = await runUserCli(['list'], envOf(db));
  t.regex(listed.stdout, /no accounts yet/);
});

test('set-role, disable, enable and list manage accounts from the command line', async (t) => {
  const db = await createTestDatabase('postgres');
  t.teardown(db.drop);
  const env = envOf(db);
  for (const [email, role] of [
    ['boss@example.com', 'admin'],
    ['a@example.com', 'agent'],
  ]) {
    t.is((await runUserCli(['create', '--email', email!, '--role', role!, '--password-stdin'], env, PASSWORD)).code, 0);
  }
  t.is((await runUserCli(['set-role', '--email', 'a@example.com', '--role', 'marketer'], env)).code, 0);
  t.is((await runUserCli(['disable', '--email', 'a@example.com'], env)).code, 0);
  t.is((await runUserCli(['set-role', '--email', 'a@example.com', '--role', 'owner'], env)).code, 2);
  const lastAdmin = await runUserCli(['disable', '--email', 'boss@example.com'], env);
  t.is(lastAdmin.code, 1);
  t.regex(lastAdmin.stderr, /last enabled admin/);
  const listed = await runUserCli(['list'], env);
  t.regex(listed.stdout, /a@example\.com.*marketer.*true/);
  t.regex(listed.stdout, /boss@example\.com.*admin.*false/);
});

test('set-wecom links an account to a WeCom member, refuses one linked elsewhere or malformed, and "" unlinks', async (t) => {
  const db = await createTestDatabase('postgres');
  t.teardown(db.drop);
  const env = envOf(db);
  for (const email of ['a@example.com', 'b@example.com']) {
    t.is((await runUserCli(['create', '--email', email, '--role', 'agent', '--password-stdin'], env, PASSWORD)).code, 0);
  }
  const linked = await runUserCli(['set-wecom', '--email', 'a@example.com', '--wecom-user', 'zhangsan'], env);
  t.is(linked.code, 0, linked.stderr);
  t.regex(linked.stdout, /a@example\.com is WeCom member zhangsan/);
  const taken = await runUserCli(['set-wecom', '--email', 'b@example.com', '--wecom-user', 'zhangsan'], env);
  t.is(taken.code, 1);
  t.regex(taken.stderr, /linked to another account/);
  t.is((await runUserCli(['set-wecom', '--email', 'b@example.com', '--wecom-user', 'zhang san'], env)).code, 1);
  t.is((await runUserCli(['set-wecom', '--email', 'b@example.com'], env)).code, 2);
  t.is((await runUserCli(['set-wecom', '--email', 'a@example.com', '--wecom-user', ''], env)).code, 0);
  const rows = await withDatabase('postgres', db, (handle) =>
    queryRows<{ email: string; wecom_user_id: string | null }>(handle.db, sql`select email, wecom_user_id from staff_users order by id`),
  );
  t.deepEqual(
    rows.map((r) => [r.email, r.wecom_user_id]),
    [
      ['a@example.com', null],
      ['b@example.com', null],
    ],
  );
  const audits = await withDatabase('postgres', db, (handle) =>
    queryRows<{ action: string }>(handle.db, sql`select action from audit_log where action = 'user.wecom_link'`),
  );
  t.is(audits.length, 2, 'the link and the unlink');
});

test('with the embedded database open in another process, the CLI says to stop it or use PostgreSQL', async (t) => {
  const db = await createTestDatabase('pglite');
  t.teardown(db.drop);
  const service = await openDatabase('pglite', db); // this test process plays the running service
  t.teardown(() => service.close());
  const result = await runUserCli(['list'], envOf(db));
  t.is(result.code, 1);
  t.regex(
    result.stderr,
    /user: cannot open the database: .*open in process \d+.*stop that process first, or use PostgreSQL \(DATABASE_URL\)/,
  );
});

test('the interactive password prompt does not echo what is typed', async (t) => {
  const db = await createTestDatabase('postgres');
  t.teardown(db.drop);
  const root = fileURLToPath(new URL('../..', import.meta.url));
  // script(1) gives the command a terminal, as an operator's shell would.
  const command = `${process.execPath} --import tsx scripts/user.ts create --email p@example.com --role supervisor`;
  const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: root, env: { ...process.env, ...envOf(db) } });
  let output = '';
  const waitFor = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${pattern} in ${JSON.stringify(output)}`)), 30_000);
      const look = () => {
        if (!pattern.test(output)) return;
        clearTimeout(timer);
        child.stdout.off('data', look);
        resolve();
      };
      child.stdout.on('data', (d) => {
        output += d;
      });
      child.stdout.on('data', look);
      look();
    });
  await waitFor(/password for p@example\.com/);
  child.stdin.write(`${PASSWORD}\r`);
  await waitFor(/again: /);
  child.stdin.write(`${PASSWORD}\r`);
  await waitFor(/created supervisor p@example\.com/);
  child.stdin.end();
  t.false(output.includes(PASSWORD), output);
});

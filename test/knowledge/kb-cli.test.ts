import test from 'ava';
import { createTestDatabase } from '../support/databases.ts';
import { tempDir, writeFixture } from '../support/kb-fixtures.ts';
import { runKb } from '../support/kb-cli.ts';
import { REDIS_URL, startHarness } from '../support/wecom-service.ts';

function cliEnv(db: { url: string; dataDir: string }): Record<string, string> {
  return { DATABASE_URL: db.url, DATA_DIR: db.dataDir, REDIS_URL, REDIS_PREFIX: `kbcli${process.pid}`, LOG_LEVEL: 'silent' };
}

test('kb import works on a database the service never touched, imports the good files, names the bad one and exits non-zero', async (t) => {
  const db = await createTestDatabase('postgres');
  t.teardown(() => db.drop());
  const dir = tempDir();
  writeFixture(dir, 'shipping.csv', 'question,answer,similar\n多久发货？,48小时内发货,几天发货\n');
  writeFixture(dir, 'hours.md', '# 营业时间\n\n每天10:00至22:00。\n');
  writeFixture(dir, 'broken.json', '[{"question": ');
  const imported = await runKb(['import', dir], cliEnv(db));
  t.is(imported.code, 1, imported.stderr);
  t.regex(imported.stderr, /FAILED\s+\S*broken\.json\n\s+broken\.json: not valid JSON/);
  t.regex(imported.stdout, /imported\s+\S*hours\.md → default\/hours\.md v1, 1 chunks/);
  t.regex(imported.stdout, /imported\s+\S*shipping\.csv → default\/shipping\.csv v1, 1 chunks/);
  t.regex(imported.stdout, /2 imported \(2 chunks\), 0 unchanged, 1 failed/);

  const other = await runKb(['import', `${dir}/shipping.csv`, '--kb', 'wholesale'], cliEnv(db));
  t.is(other.code, 0, other.stderr);
  const list = await runKb(['list'], cliEnv(db));
  t.regex(list.stdout, /'default'\s+│ 2\s+│ 2/);
  t.regex(list.stdout, /'wholesale'\s+│ 1\s+│ 1/);
  t.regex((await runKb(['list', '--kb', 'default'], cliEnv(db))).stdout, /'hours\.md'\s+│ 1\s+│ 'active'/);

  const removed = await runKb(['remove', 'hours.md'], cliEnv(db));
  t.is(removed.code, 0, removed.stderr);
  t.regex(removed.stdout, /removed default\/hours\.md \(1 version\)/);
  const missing = await runKb(['remove', 'hours.md'], cliEnv(db));
  t.is(missing.code, 1);
  t.regex(missing.stderr, /no document "hours\.md" in knowledge base "default"/);
  t.is((await runKb(['remove', '--kb', 'wholesale'], cliEnv(db))).code, 0);
  t.notRegex((await runKb(['list'], cliEnv(db))).stdout, /wholesale/);
});

test('kb refuses to open the embedded database while the service holds it, and says what to do', async (t) => {
  const h = await startHarness({ database: 'pglite' });
  t.teardown(() => h.close());
  const file = writeFixture(tempDir(), 'faq.csv', 'question,answer\n多久发货？,48小时内发货\n');
  const result = await runKb(['import', file], { ...h.env, LOG_LEVEL: 'silent' });
  t.is(result.code, 1);
  t.regex(
    result.stderr,
    /is open in process \d+ .*PGlite serves one process only: stop that process first, or use PostgreSQL \(DATABASE_URL\)/,
  );
});

test("kb import refuses kefu-hub's own docs/ folder, so the README's example typed in the repository root imports nothing", async (t) => {
  const db = await createTestDatabase('pglite');
  t.teardown(() => db.drop());
  const refused = await runKb(['import', 'docs/'], cliEnv(db));
  t.is(refused.code, 1);
  t.regex(refused.stderr, /docs\/: kefu-hub's own documentation, not knowledge for your customers; nothing imported/);
  t.regex((await runKb(['list'], cliEnv(db))).stdout, /no knowledge bases yet/);
});

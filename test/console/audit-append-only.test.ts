import test from 'ava';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/db/rows.ts';
import { DATABASE_KINDS, migratedDatabase } from '../support/databases.ts';

for (const kind of DATABASE_KINDS) {
  test(`${kind}: the audit log takes new entries but refuses UPDATE, DELETE and TRUNCATE, even in raw SQL`, async (t) => {
    const { handle, close } = await migratedDatabase(kind);
    t.teardown(close);
    await handle.execute(`insert into audit_log (action, details) values ('auth.login', '{"n": 1}')`);
    for (const statement of [`update audit_log set action = 'auth.logout'`, 'delete from audit_log', 'truncate audit_log']) {
      const err = await t.throwsAsync(handle.execute(statement), undefined, statement);
      t.regex(String(err?.message), /append-only/, statement);
    }
    const rows = await queryRows<{ action: string }>(handle.db, sql`select action from audit_log`);
    t.deepEqual(
      rows.map((r) => r.action),
      ['auth.login'],
    );
  });
}

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connectDatabase } from '../../src/db/connect.ts';
import { applyMigrations } from '../../src/db/migrate.ts';
import { migratedTemplateKey } from './pglite-template.ts';

/**
 * A migrated PostgreSQL database to copy, as test/support/pglite-template.ts is for PGlite: a test's
 * database is `CREATE DATABASE … TEMPLATE`, a file copy in the server (about 0.2 s), instead of an
 * empty database that each service start then migrates statement by statement (1 s and more on a
 * loaded machine; the suite makes about a hundred and fifty of them).
 *
 * The template lives in the server, shared by every test process and later runs, named by the
 * migrations it holds. It is built under another name and renamed into place, so a process never
 * copies half of one; when two build at once, the first rename wins and the other drops its own.
 * Nobody ever connects to the template itself: PostgreSQL refuses to copy a database in use.
 */
let templateName: Promise<string> | undefined;

/** Creates database `name` as a migrated copy, with a database identity of its own. */
export async function createMigratedPostgres(adminUrl: string, name: string): Promise<void> {
  templateName ??= buildTemplateOnce(adminUrl);
  const template = await templateName;
  await withClient(adminUrl, (admin) => admin.query(`create database ${name} template ${template}`));
  // The database's id prefixes every Redis key (src/db/database-identity.ts): copies must not share one.
  await withClient(urlOf(adminUrl, name), (c) => c.query(`update database_identity set id = '${randomBytes(8).toString('hex')}'`));
}

async function buildTemplateOnce(adminUrl: string): Promise<string> {
  const template = `kefu_template_${migratedTemplateKey()}`;
  const exists = await withClient(adminUrl, (admin) => admin.query('select 1 from pg_database where datname = $1', [template]));
  if (exists.rowCount) return template;
  const building = `kefu_template_building_${randomBytes(6).toString('hex')}`;
  await withClient(adminUrl, (admin) => admin.query(`create database ${building}`));
  const handle = await connectDatabase({ url: urlOf(adminUrl, building), poolSize: 1 });
  try {
    await applyMigrations(handle);
  } finally {
    await handle.close();
  }
  await withClient(adminUrl, async (admin) => {
    try {
      await admin.query(`alter database ${building} rename to ${template}`);
    } catch (err) {
      // 42P04 duplicate_database: another process renamed its template first; use that one.
      if ((err as { code?: string }).code !== '42P04') throw err;
      await admin.query(`drop database ${building}`);
    }
  });
  return template;
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function urlOf(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.href;
}

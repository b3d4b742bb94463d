import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectDatabase, type DatabaseHandle } from '../../src/db/connect.ts';
import { applyMigrations } from '../../src/db/migrate.ts';
import { scratchDir, scratchPath } from './scratch-dir.ts';

/**
 * A migrated PGlite database to copy, so a test's database costs a directory copy instead of an
 * initdb. PGlite runs initdb in WebAssembly on the main thread: 5 s on a quiet machine, 20–60 s on a
 * loaded one, and files whose tests each take a database ran those one after another (the suite's
 * slowest files spent most of their time there). Reopening a directory is about a tenth of that.
 *
 * The template is shared by every test process of a run, and by later runs, under the scratch
 * root (test/support/scratch-dir.ts), named by what it is made of (the migrations and PGlite's version): a changed migration
 * makes a new one. It is built in a private directory and renamed into place, so a process never
 * sees half of one; two processes that build at once both finish, and the first rename wins.
 */
const migrationsFolder = fileURLToPath(new URL('../../migrations', import.meta.url));

let templateDir: Promise<string> | undefined;

function pgliteTemplate(): Promise<string> {
  templateDir ??= buildTemplateOnce();
  return templateDir;
}

/**
 * Copies the template into `dir` and opens the copy, with an identity of its own: the database's
 * id prefixes every Redis key (src/db/database-identity.ts), and copies sharing one would share
 * queues. Closing the handle leaves the directory to the caller.
 */
export async function openPgliteCopy(dir: string): Promise<DatabaseHandle> {
  cpSync(await pgliteTemplate(), dir, { recursive: true });
  const handle = await connectDatabase({ pgliteDir: dir });
  try {
    await handle.execute(`update database_identity set id = '${randomBytes(8).toString('hex')}'`);
  } catch (err) {
    await handle.close();
    throw err;
  }
  return handle;
}

async function buildTemplateOnce(): Promise<string> {
  const dir = scratchPath(`kefu-pglite-template-${migratedTemplateKey()}`);
  if (existsSync(dir)) return dir;
  const building = scratchDir('kefu-pglite-building-');
  const handle = await connectDatabase({ pgliteDir: building });
  try {
    await applyMigrations(handle);
  } finally {
    await handle.close();
  }
  try {
    renameSync(building, dir);
  } catch (err) {
    // Another process renamed its template first: use that one.
    if (!existsSync(dir)) throw err;
    rmSync(building, { recursive: true, force: true });
  }
  return dir;
}

/** Names a migrated template by what it is made of: the migrations, and PGlite's version. */
export function migratedTemplateKey(): string {
  const hash = createHash('sha256');
  // The package does not export its package.json; read the installed one for its version.
  hash.update(readFileSync(fileURLToPath(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url))));
  for (const name of readdirSync(migrationsFolder, { recursive: true }).map(String).sort()) {
    const path = join(migrationsFolder, name);
    if (name.endsWith('.sql') || name.endsWith('.json')) hash.update(name).update(readFileSync(path));
  }
  return hash.digest('hex').slice(0, 16);
}

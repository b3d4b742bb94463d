/**
 * `npm run kb -- <command>`: the knowledge bases the bot answers from.
 *   import <path...> [--kb name]   import files (or every supported file in a directory); default KB `default`
 *   list [--kb name]               knowledge bases, or the documents of one
 *   remove <document> [--kb name]  remove a document (all its versions) by file name
 *   remove --kb name               remove a whole knowledge base
 * Uses the service's configuration (DATABASE_URL or DATA_DIR, REDIS_URL, REDIS_PREFIX, EMBEDDING_*),
 * applies migrations first, and announces each change so running workers reload that knowledge base.
 * With the embedded PGlite (no DATABASE_URL) the service must be stopped first: it owns the database.
 */
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { createEmbedder } from '../src/brain/embeddings/embedder.ts';
import { importDocument, type ImportResult } from '../src/brain/knowledge/import-document.ts';
import { publishKbChanged } from '../src/brain/knowledge/kb-change-feed.ts';
import { KnowledgeStore } from '../src/brain/knowledge/knowledge-store.ts';
import { formatOf } from '../src/brain/knowledge/parse-document.ts';
import { loadConfig } from '../src/config/env.ts';
import { connectDatabase, pgliteDirUnder } from '../src/db/connect.ts';
import { redisPrefixFor } from '../src/db/database-identity.ts';
import { applyMigrations } from '../src/db/migrate.ts';
import { AppError } from '../src/errors.ts';
import { redisAnswers } from '../src/lib/private-redis.ts';
import { ProgressBar } from '../src/lib/progress-bar.ts';

const USAGE = 'usage: npm run kb -- import <path...> [--kb name] | list [--kb name] | remove <document> [--kb name] | remove --kb name';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { kb: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
});
const [command, ...args] = positionals;
if (values.help || !command) {
  console.log(USAGE);
  process.exit(command ? 0 : 2);
}

/** Files to import: the paths given, directories expanded to the supported files inside them. */
function expand(paths: string[]): string[] {
  return paths.flatMap((path) => {
    if (!statSync(path, { throwIfNoEntry: false })?.isDirectory()) return [path];
    return readdirSync(path, { recursive: true, encoding: 'utf8' })
      .map((entry) => join(path, entry))
      .filter((file) => statSync(file).isFile() && isSupported(file))
      .sort();
  });
}

/**
 * kefu-hub's own docs/ tell operators how it is deployed and secured; imported, the bot would quote
 * them to customers. `import … docs/` typed in the repository root always meant a company folder.
 */
const ownDocs = fileURLToPath(new URL('../docs', import.meta.url));
function isOwnDocs(path: string): boolean {
  const inside = relative(ownDocs, resolve(path));
  return inside === '' || (!inside.startsWith('..') && !isAbsolute(inside));
}

function isSupported(file: string): boolean {
  try {
    formatOf(file);
    return true;
  } catch {
    return false;
  }
}

const config = loadConfig();
const { env } = config;
let database: Awaited<ReturnType<typeof connectDatabase>>;
try {
  database = await connectDatabase({ url: env.DATABASE_URL, pgliteDir: pgliteDirUnder(env.DATA_DIR) });
} catch (err) {
  console.error(`kb: cannot open the database: ${(err as Error).message}`);
  process.exit(1);
}
const store = new KnowledgeStore(database.db);
const changed = new Set<string>();

async function importFiles(paths: string[], kbName: string): Promise<boolean> {
  const own = paths.filter(isOwnDocs);
  if (own.length > 0) {
    console.error(
      `kb import: ${own.join(', ')}: kefu-hub's own documentation, not knowledge for your customers; nothing imported. Import your company's files from their folder, e.g. npm run kb -- import ~/company-faq/`,
    );
    return false;
  }
  const files = expand(paths);
  if (files.length === 0) {
    console.error('kb import: no files given');
    return false;
  }
  const embedder = config.embeddings ? await createEmbedder(config.embeddings) : undefined;
  const bar = new ProgressBar();
  const results: ImportResult[] = [];
  const failures: Array<{ file: string; error: string }> = [];
  for (const [i, file] of files.entries()) {
    const label = `(${i + 1}/${files.length}) ${file}`;
    try {
      const result = await importDocument(file, { kbName, store, embedder, onProgress: (done, total) => bar.update(label, done, total) });
      results.push(result);
      if (result.status === 'imported') changed.add(kbName);
      bar.clear();
      console.log(
        `${result.status === 'imported' ? 'imported ' : 'unchanged'} ${file} → ${kbName}/${result.name} v${result.version}, ${result.chunks} chunks`,
      );
    } catch (err) {
      bar.clear();
      const error = err instanceof AppError || err instanceof Error ? err.message : String(err);
      failures.push({ file, error });
      console.error(`FAILED    ${file}\n          ${error}`);
    }
  }
  const imported = results.filter((r) => r.status === 'imported');
  console.log(
    `\n${imported.length} imported (${imported.reduce((n, r) => n + r.chunks, 0)} chunks), ${results.length - imported.length} unchanged, ${failures.length} failed` +
      (embedder ? `; embedded with ${embedder.model}` : ''),
  );
  return failures.length === 0;
}

async function list(kbName: string | undefined): Promise<void> {
  if (kbName === undefined) {
    const bases = await store.listKnowledgeBases();
    if (bases.length === 0) console.log('no knowledge bases yet: npm run kb -- import <file>');
    else console.table(bases);
    return;
  }
  const docs = await store.listDocuments(kbName);
  if (docs.length === 0) console.log(`knowledge base "${kbName}" has no documents`);
  else
    console.table(
      docs.map((d) => ({
        document: d.name,
        version: d.version,
        status: d.status,
        format: d.format,
        chunks: d.chunkCount,
        source: d.source,
        activated: d.activatedAt?.toISOString() ?? '',
      })),
    );
}

async function remove(documents: string[], kbName: string | undefined): Promise<boolean> {
  if (documents.length === 0) {
    if (kbName === undefined) {
      console.error(`kb remove: name a document, or a whole knowledge base with --kb\n${USAGE}`);
      return false;
    }
    const removed = await store.removeKnowledgeBase(kbName);
    console.log(removed ? `removed knowledge base "${kbName}"` : `no knowledge base "${kbName}"`);
    if (removed) changed.add(kbName);
    return removed;
  }
  const kb = kbName ?? 'default';
  let ok = true;
  for (const name of documents) {
    const versions = await store.removeDocument(kb, name);
    if (versions > 0) {
      changed.add(kb);
      console.log(`removed ${kb}/${name} (${versions} version${versions > 1 ? 's' : ''})`);
    } else {
      ok = false;
      console.error(`no document "${name}" in knowledge base "${kb}" (see npm run kb -- list --kb ${kb})`);
    }
  }
  return ok;
}

/** Tells running workers to reload what changed; without Redis they pick it up on their next start. */
async function announce(): Promise<void> {
  if (changed.size === 0) return;
  if (!(await redisAnswers(config.redisUrl))) {
    console.error(`note: no Redis at ${config.redisUrl}; running workers will see the change when they restart`);
    return;
  }
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 });
  try {
    for (const kb of changed) {
      // Services of this database only: the feed's channel carries the database's id.
      const listeners = await publishKbChanged(redis, await redisPrefixFor(database.db, env.REDIS_PREFIX), kb);
      console.log(`announced the change of "${kb}" to ${listeners} running process${listeners === 1 ? '' : 'es'}`);
    }
  } finally {
    redis.disconnect();
  }
}

let ok = false;
try {
  await applyMigrations(database);
  switch (command) {
    case 'import':
      ok = await importFiles(args, values.kb ?? 'default');
      break;
    case 'list':
      await list(values.kb);
      ok = true;
      break;
    case 'remove':
      ok = await remove(args, values.kb);
      break;
    default:
      console.error(`unknown command "${command}"\n${USAGE}`);
  }
  await announce();
} finally {
  await database.close();
}
process.exitCode = ok ? 0 : 1;

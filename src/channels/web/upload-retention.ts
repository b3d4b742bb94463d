import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { WebAccount } from './config.ts';
import type { Database } from '../../db/connect.ts';
import { channelAccounts, webUploads } from '../../db/schema.ts';
import type { Logger } from '../../observability/logger.ts';
import type { Metrics } from '../../observability/metrics.ts';

const DAY_MS = 24 * 3600_000;
/** Rows per delete: a short statement that neither holds locks long nor builds one huge WAL burst. */
const BATCH = 500;

type RetainedAccount = Pick<WebAccount, 'name' | 'uploadRetentionDays'>;

async function accountId(db: Database, name: string): Promise<number | undefined> {
  const [row] = await db
    .select({ id: channelAccounts.id })
    .from(channelAccounts)
    .where(and(eq(channelAccounts.channel, 'web'), eq(channelAccounts.name, name)));
  return row?.id;
}

/**
 * Deletes uploads older than each account's retention period (WEB_CHAT_UPLOAD_RETENTION_DAYS), in
 * batches, and sets kefu_web_upload_bytes_stored to what is left. The messages that carried them
 * stay; their link then answers 404 like any missing file. Resolves with the number deleted.
 */
export async function deleteExpiredUploads(
  db: Database,
  accounts: RetainedAccount[],
  metrics: Metrics,
  nowMs = Date.now(),
): Promise<number> {
  let deleted = 0;
  for (const account of accounts) {
    const id = await accountId(db, account.name);
    if (id === undefined) continue;
    const cutoff = new Date(nowMs - account.uploadRetentionDays * DAY_MS);
    const expired = db
      .select({ id: webUploads.id })
      .from(webUploads)
      .where(and(eq(webUploads.channelAccountId, id), lt(webUploads.createdAt, cutoff)))
      .limit(BATCH);
    for (;;) {
      const gone = await db.delete(webUploads).where(inArray(webUploads.id, expired)).returning({ id: webUploads.id });
      deleted += gone.length;
      metrics.webUploadsDeleted.inc({ account: account.name }, gone.length);
      if (gone.length < BATCH) break;
    }
    const [kept] = await db
      .select({ bytes: sql<string>`coalesce(sum(${webUploads.size}), 0)` })
      .from(webUploads)
      .where(eq(webUploads.channelAccountId, id));
    metrics.webUploadBytesStored.set({ account: account.name }, Number(kept?.bytes ?? 0));
  }
  return deleted;
}

/**
 * Runs the retention sweep every `intervalMs` (and once soon after start) in the worker roles.
 * Two workers sweeping at once is harmless: a row is deleted once, the other finds it gone.
 */
export function startUploadRetentionSweep(
  db: Database,
  accounts: RetainedAccount[],
  metrics: Metrics,
  logger: Logger,
  intervalMs = 3600_000,
): () => void {
  let running = false;
  const sweep = () => {
    if (running) return;
    running = true;
    deleteExpiredUploads(db, accounts, metrics)
      .then((count) => count > 0 && logger.info({ count }, 'expired web uploads deleted'))
      .catch((err) => logger.warn({ err }, 'upload retention sweep failed; will try again'))
      .finally(() => (running = false));
  };
  const first = setTimeout(sweep, 10_000);
  const timer = setInterval(sweep, intervalMs);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}

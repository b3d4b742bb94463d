import { and, eq, gt, lt, sql } from 'drizzle-orm';
import type { Database } from '../../db/connect.ts';
import { wecomKfSyncState } from '../../db/schema.ts';

/** The durable side of kf message sync (table wecom_kf_sync_state, see src/db/schema.ts). */

export interface SyncState {
  cursor: string | null;
  requestedGeneration: number;
  syncedGeneration: number;
  /** The latest callback Token, when still young enough to use (WeCom: valid 10 minutes). */
  freshToken: string | null;
}

/**
 * Records that a callback announced new messages: the durable fact the callback's ack rests on.
 * Returns the new generation, which names the sync job.
 */
export async function requestSync(db: Database, accountName: string, openKfId: string, token: string): Promise<number> {
  const [row] = await db
    .insert(wecomKfSyncState)
    .values({ accountName, openKfId, requestedGeneration: 1, callbackToken: token, callbackTokenAt: sql`now()` })
    .onConflictDoUpdate({
      target: [wecomKfSyncState.accountName, wecomKfSyncState.openKfId],
      set: {
        requestedGeneration: sql`${wecomKfSyncState.requestedGeneration} + 1`,
        callbackToken: token,
        callbackTokenAt: sql`now()`,
        updatedAt: sql`now()`,
      },
    })
    .returning({ generation: wecomKfSyncState.requestedGeneration });
  return row!.generation;
}

export async function loadSyncState(db: Database, accountName: string, openKfId: string): Promise<SyncState | undefined> {
  const [row] = await db
    .select({
      cursor: wecomKfSyncState.cursor,
      requestedGeneration: wecomKfSyncState.requestedGeneration,
      syncedGeneration: wecomKfSyncState.syncedGeneration,
      // 9 rather than 10 minutes: the token must still be valid when the request arrives.
      freshToken: sql<
        string | null
      >`case when ${wecomKfSyncState.callbackTokenAt} > now() - interval '9 minutes' then ${wecomKfSyncState.callbackToken} end`,
    })
    .from(wecomKfSyncState)
    .where(and(eq(wecomKfSyncState.accountName, accountName), eq(wecomKfSyncState.openKfId, openKfId)));
  return row;
}

/** Saved only after every message of the page it ends is stored. */
export async function saveCursor(db: Database, accountName: string, openKfId: string, cursor: string): Promise<void> {
  await db
    .update(wecomKfSyncState)
    .set({ cursor, updatedAt: sql`now()` })
    .where(and(eq(wecomKfSyncState.accountName, accountName), eq(wecomKfSyncState.openKfId, openKfId)));
}

/** Everything announced up to `generation` has been fetched and stored. */
export async function markSynced(db: Database, accountName: string, openKfId: string, generation: number): Promise<void> {
  await db
    .update(wecomKfSyncState)
    .set({ syncedGeneration: sql`greatest(${wecomKfSyncState.syncedGeneration}, ${generation})`, updatedAt: sql`now()` })
    .where(and(eq(wecomKfSyncState.accountName, accountName), eq(wecomKfSyncState.openKfId, openKfId)));
}

/** Syncs announced but not done for a while: their job was lost (Redis down, crash). */
export async function loadOverdueSyncs(
  db: Database,
  olderThanMs: number,
): Promise<Array<{ accountName: string; openKfId: string; generation: number }>> {
  return db
    .select({
      accountName: wecomKfSyncState.accountName,
      openKfId: wecomKfSyncState.openKfId,
      generation: wecomKfSyncState.requestedGeneration,
    })
    .from(wecomKfSyncState)
    .where(
      and(
        gt(wecomKfSyncState.requestedGeneration, wecomKfSyncState.syncedGeneration),
        lt(wecomKfSyncState.updatedAt, sql`now() - make_interval(secs => ${olderThanMs / 1000})`),
      ),
    )
    .limit(1000);
}

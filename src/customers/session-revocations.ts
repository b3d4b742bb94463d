import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { sessionRevocations } from '../db/schema.ts';

export interface CustomerRef {
  channelAccountId: number;
  /** The channel's id of the customer (for the web widget, the visitor id `v:…` or `u:…`). */
  externalId: string;
}

/**
 * Ends every session the customer holds now (for example when the company deletes the user): any
 * session token issued before `at` is refused from the next request on, renewal included. Durable
 * in PostgreSQL so it holds across restarts and for every API process; a later call moves the mark.
 */
export async function revokeVisitorSessions(db: Database, customer: CustomerRef, at = new Date()): Promise<void> {
  await db
    .insert(sessionRevocations)
    .values({ ...customer, revokedBefore: at })
    .onConflictDoUpdate({
      target: [sessionRevocations.channelAccountId, sessionRevocations.externalId],
      set: { revokedBefore: sql`greatest(${sessionRevocations.revokedBefore}, excluded.revoked_before)` },
    });
}

/** When the customer's sessions were last revoked, if ever: one primary-key lookup. */
export async function sessionsRevokedBefore(db: Database, customer: CustomerRef): Promise<Date | undefined> {
  const [row] = await db
    .select({ at: sessionRevocations.revokedBefore })
    .from(sessionRevocations)
    .where(and(eq(sessionRevocations.channelAccountId, customer.channelAccountId), eq(sessionRevocations.externalId, customer.externalId)));
  return row?.at;
}

import { and, eq, gt, isNull, or } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { staffApiTokens, staffSessions, staffUsers } from '../db/schema.ts';
import type { Caller } from './caller.ts';

/**
 * Whether a long-lived request (the console's event stream) may go on: its session or token is
 * still live, the account still enabled, its role unchanged. Unlike resumeSession it does not move
 * the session's idle expiry: an open tab is not activity, so a session left alone still ends.
 */
export async function isStillSignedIn(db: Database, caller: Caller): Promise<boolean> {
  const now = new Date();
  const user = and(eq(staffUsers.disabled, false), eq(staffUsers.role, caller.role));
  if (caller.session) {
    const rows = await db
      .select({ userId: staffSessions.userId })
      .from(staffSessions)
      .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.userId))
      .where(and(eq(staffSessions.idHash, caller.session.idHash), gt(staffSessions.expiresAt, now), user))
      .limit(1);
    return rows.length === 1;
  }
  if (caller.tokenId === undefined) return false;
  const rows = await db
    .select({ userId: staffApiTokens.userId })
    .from(staffApiTokens)
    .innerJoin(staffUsers, eq(staffUsers.id, staffApiTokens.userId))
    .where(
      and(
        eq(staffApiTokens.id, caller.tokenId),
        isNull(staffApiTokens.revokedAt),
        or(isNull(staffApiTokens.expiresAt), gt(staffApiTokens.expiresAt, now)),
        user,
      ),
    )
    .limit(1);
  return rows.length === 1;
}

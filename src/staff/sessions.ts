import { and, eq, lt } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { staffSessions, staffUsers } from '../db/schema.ts';
import type { Executor } from '../db/transaction.ts';
import type { Caller } from './caller.ts';
import { randomToken, tokenHash } from './secret-tokens.ts';

/**
 * Browser sessions live in PostgreSQL, not Redis: a session must survive a Redis restart or flush
 * (the embedded Redis keeps only queues), disabling an account ends all its sessions in the same
 * transaction, and every request reads the account's current role and disabled flag in the same
 * query that finds the session. The cost is one indexed read per console request.
 */
export interface SessionLifetimes {
  /** Idle timeout: the session ends this long after its last use (CONSOLE_SESSION_IDLE_S). */
  idleSeconds: number;
  /** Absolute limit from login, however active (CONSOLE_SESSION_MAX_S). */
  maxSeconds: number;
}

/** Expiry is moved forward at most this often: not one write per request. */
const SLIDE_RESOLUTION_MS = 60_000;

export interface NewSession {
  /** The cookie's value: given to the browser once, stored only as its hash. */
  sessionId: string;
  csrfToken: string;
  expiresAt: Date;
}

/** Starts a session for `userId` (inside the login's transaction). */
export async function startSession(
  db: Executor,
  userId: number,
  sourceIp: string | null,
  lifetimes: SessionLifetimes,
): Promise<NewSession> {
  const sessionId = randomToken();
  const csrfToken = randomToken();
  const now = Date.now();
  const absoluteExpiresAt = new Date(now + lifetimes.maxSeconds * 1000);
  const expiresAt = new Date(Math.min(now + lifetimes.idleSeconds * 1000, absoluteExpiresAt.getTime()));
  // The user's expired sessions go now, so the table holds live sessions and a few stale ones only.
  await db.delete(staffSessions).where(and(eq(staffSessions.userId, userId), lt(staffSessions.expiresAt, new Date(now))));
  await db.insert(staffSessions).values({ idHash: tokenHash(sessionId), userId, csrfToken, expiresAt, absoluteExpiresAt, sourceIp });
  return { sessionId, csrfToken, expiresAt };
}

/** The caller of a live session of an enabled account; slides its idle expiry forward. */
export async function resumeSession(db: Database, sessionId: string, lifetimes: SessionLifetimes): Promise<Caller | undefined> {
  const idHash = tokenHash(sessionId);
  const [row] = await db
    .select({
      userId: staffUsers.id,
      email: staffUsers.email,
      displayName: staffUsers.displayName,
      role: staffUsers.role,
      disabled: staffUsers.disabled,
      csrfToken: staffSessions.csrfToken,
      expiresAt: staffSessions.expiresAt,
      absoluteExpiresAt: staffSessions.absoluteExpiresAt,
      lastSeenAt: staffSessions.lastSeenAt,
    })
    .from(staffSessions)
    .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.userId))
    .where(eq(staffSessions.idHash, idHash))
    .limit(1);
  const now = Date.now();
  if (!row || row.disabled || row.expiresAt.getTime() <= now) return undefined;
  if (now - row.lastSeenAt.getTime() >= SLIDE_RESOLUTION_MS) {
    const expiresAt = new Date(Math.min(now + lifetimes.idleSeconds * 1000, row.absoluteExpiresAt.getTime()));
    await db
      .update(staffSessions)
      .set({ expiresAt, lastSeenAt: new Date(now) })
      .where(eq(staffSessions.idHash, idHash));
  }
  const { userId, email, displayName, role, csrfToken } = row;
  return { userId, email, displayName, role, via: 'session', session: { idHash, csrfToken } };
}

/** Ends a session (logout, or the old one at a new login); a session already gone is fine. */
export async function endSession(db: Executor, idHash: string): Promise<{ userId: number } | undefined> {
  const [row] = await db.delete(staffSessions).where(eq(staffSessions.idHash, idHash)).returning({ userId: staffSessions.userId });
  return row;
}

export const sessionIdHash = tokenHash;

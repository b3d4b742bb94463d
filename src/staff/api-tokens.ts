import { and, desc, eq, gt, isNull, lt, or } from 'drizzle-orm';
import { type AuditContext, recordAudit } from '../audit/audit-log.ts';
import type { Database } from '../db/connect.ts';
import { staffApiTokens, staffUsers } from '../db/schema.ts';
import type { Caller } from './caller.ts';
import { randomToken, tokenHash } from './secret-tokens.ts';

/**
 * Personal API tokens look like `kfh_<43 characters>`: the prefix lets secret scanners and people
 * recognise a leaked one. The token is shown once, at creation; only its SHA-256 is kept.
 */
export const API_TOKEN_PREFIX = 'kfh_';
const DISPLAY_PREFIX_LENGTH = API_TOKEN_PREFIX.length + 6;
/** last_used_at is written at most this often per token: not one write per request. */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface ApiTokenInfo {
  id: number;
  name: string;
  displayPrefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

const infoColumns = {
  id: staffApiTokens.id,
  name: staffApiTokens.name,
  displayPrefix: staffApiTokens.displayPrefix,
  createdAt: staffApiTokens.createdAt,
  lastUsedAt: staffApiTokens.lastUsedAt,
  expiresAt: staffApiTokens.expiresAt,
  revokedAt: staffApiTokens.revokedAt,
};

/** Creates a token for `userId` with its `token.create` entry; the plain token is in the result only. */
export async function createApiToken(
  db: Database,
  input: { userId: number; name: string; expiresAt?: Date },
  context: AuditContext,
): Promise<{ token: string; info: ApiTokenInfo }> {
  const token = `${API_TOKEN_PREFIX}${randomToken()}`;
  const info = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(staffApiTokens)
      .values({
        userId: input.userId,
        name: input.name,
        tokenHash: tokenHash(token),
        displayPrefix: token.slice(0, DISPLAY_PREFIX_LENGTH),
        expiresAt: input.expiresAt ?? null,
      })
      .returning(infoColumns);
    await recordAudit(tx, context, {
      action: 'token.create',
      objectType: 'api_token',
      objectId: row!.id,
      details: { userId: input.userId, name: input.name, displayPrefix: row!.displayPrefix },
    });
    return row!;
  });
  return { token, info };
}

export async function listApiTokens(db: Database, userId: number): Promise<ApiTokenInfo[]> {
  return db.select(infoColumns).from(staffApiTokens).where(eq(staffApiTokens.userId, userId)).orderBy(desc(staffApiTokens.id));
}

/** Revokes one of `userId`'s tokens; false when they have no such live token. */
export async function revokeApiToken(db: Database, userId: number, tokenId: number, context: AuditContext): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(staffApiTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(staffApiTokens.id, tokenId), eq(staffApiTokens.userId, userId), isNull(staffApiTokens.revokedAt)))
      .returning({ id: staffApiTokens.id, displayPrefix: staffApiTokens.displayPrefix });
    if (!row) return false;
    await recordAudit(tx, context, {
      action: 'token.revoke',
      objectType: 'api_token',
      objectId: tokenId,
      details: { userId, displayPrefix: row.displayPrefix },
    });
    return true;
  });
}

/** The caller a bearer token stands for: live (not revoked, not expired) and its account enabled. */
export async function authenticateApiToken(db: Database, token: string): Promise<Caller | undefined> {
  if (!token.startsWith(API_TOKEN_PREFIX)) return undefined;
  const now = new Date();
  const hash = tokenHash(token);
  const [row] = await db
    .select({
      tokenId: staffApiTokens.id,
      userId: staffUsers.id,
      email: staffUsers.email,
      displayName: staffUsers.displayName,
      role: staffUsers.role,
    })
    .from(staffApiTokens)
    .innerJoin(staffUsers, eq(staffUsers.id, staffApiTokens.userId))
    .where(
      and(
        eq(staffApiTokens.tokenHash, hash),
        isNull(staffApiTokens.revokedAt),
        or(isNull(staffApiTokens.expiresAt), gt(staffApiTokens.expiresAt, now)),
        eq(staffUsers.disabled, false),
      ),
    )
    .limit(1);
  if (!row) return undefined;
  await db
    .update(staffApiTokens)
    .set({ lastUsedAt: now })
    .where(
      and(
        eq(staffApiTokens.id, row.tokenId),
        or(isNull(staffApiTokens.lastUsedAt), lt(staffApiTokens.lastUsedAt, new Date(now.getTime() - LAST_USED_RESOLUTION_MS))),
      ),
    );
  const { tokenId, ...user } = row;
  return { ...user, via: 'token', tokenId };
}

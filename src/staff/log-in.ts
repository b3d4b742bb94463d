import { type AuditContext, recordAudit } from '../audit/audit-log.ts';
import type { Database } from '../db/connect.ts';
import { staffUsers } from '../db/schema.ts';
import { AuthenticationError } from '../errors.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { createPasswordCheck } from './passwords.ts';
import { endSession, type NewSession, type SessionLifetimes, startSession } from './sessions.ts';
import { byEmail, type StaffUser } from './staff-users.ts';

export interface LogInDeps {
  db: Database;
  throttle: LoginThrottle;
  lifetimes: SessionLifetimes;
}

export interface LogInAttempt {
  email: string;
  password: string;
  sourceIp: string;
  /** The id hash of the session the browser still holds, if any: it ends as the new one starts. */
  previousSessionIdHash?: string;
}

/**
 * Checks an email and password and starts a new session (a new id at every login: a session id
 * planted before login is worth nothing after it). Every outcome is audited; a failure says only
 * "wrong email or password" and takes as long whether or not the email exists.
 */
export function createLogIn(deps: LogInDeps): (attempt: LogInAttempt) => Promise<{ user: StaffUser; session: NewSession }> {
  const checkPassword = createPasswordCheck();
  return async (attempt) => {
    const { db, throttle } = deps;
    await throttle.check(attempt.sourceIp, attempt.email);
    const [account] = await db.select().from(staffUsers).where(byEmail(attempt.email)).limit(1);
    const passwordOk = await checkPassword(account?.passwordHash, attempt.password);
    const anonymous: AuditContext = { actorId: null, sourceIp: attempt.sourceIp };
    if (!account || !passwordOk || account.disabled) {
      const lockMs = await throttle.failed(attempt.email);
      await recordAudit(db, anonymous, {
        action: 'auth.login_failed',
        ...(account && { objectType: 'staff_user', objectId: account.id }),
        details: {
          email: attempt.email.trim().toLowerCase(),
          reason: !account ? 'unknown_email' : !passwordOk ? 'wrong_password' : 'disabled',
          ...(lockMs > 0 && { lockedForSeconds: Math.ceil(lockMs / 1000) }),
        },
      });
      throw new AuthenticationError('wrong email or password', 'invalid_credentials');
    }
    await throttle.succeeded(attempt.email);
    const session = await db.transaction(async (tx) => {
      if (attempt.previousSessionIdHash) await endSession(tx, attempt.previousSessionIdHash);
      const started = await startSession(tx, account.id, attempt.sourceIp, deps.lifetimes);
      await recordAudit(
        tx,
        { actorId: account.id, sourceIp: attempt.sourceIp },
        { action: 'auth.login', objectType: 'staff_user', objectId: account.id },
      );
      return started;
    });
    const { passwordHash: _hash, updatedAt: _updated, ...user } = account;
    return { user, session };
  };
}

/** Ends the caller's session with its `auth.logout` entry. */
export async function logOut(db: Database, idHash: string, sourceIp: string): Promise<void> {
  await db.transaction(async (tx) => {
    const ended = await endSession(tx, idHash);
    if (ended)
      await recordAudit(
        tx,
        { actorId: ended.userId, sourceIp },
        { action: 'auth.logout', objectType: 'staff_user', objectId: ended.userId },
      );
  });
}

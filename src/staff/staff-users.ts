import { and, asc, eq, ne, sql } from 'drizzle-orm';
import { type AuditContext, recordAudit } from '../audit/audit-log.ts';
import type { Database } from '../db/connect.ts';
import { staffSessions, staffUsers } from '../db/schema.ts';
import type { Executor } from '../db/transaction.ts';
import { RejectedRequestError } from '../errors.ts';
import { hashPassword, passwordProblem } from './passwords.ts';
import type { StaffRole } from './roles.ts';

/** A staff member as the API shows them: never the password hash. */
export interface StaffUser {
  id: number;
  email: string;
  displayName: string;
  role: StaffRole;
  disabled: boolean;
  createdAt: Date;
}

const publicColumns = {
  id: staffUsers.id,
  email: staffUsers.email,
  displayName: staffUsers.displayName,
  role: staffUsers.role,
  disabled: staffUsers.disabled,
  createdAt: staffUsers.createdAt,
};

/** Emails are compared case-insensitively (the unique index is on lower(email)). */
export const byEmail = (email: string) => sql`lower(${staffUsers.email}) = lower(${email.trim()})`;

export interface NewStaffUser {
  email: string;
  displayName?: string;
  role: StaffRole;
  password: string;
}

/** Creates an account and its `user.create` audit entry in one transaction; refuses a weak password. */
export async function createStaffUser(db: Database, input: NewStaffUser, context: AuditContext): Promise<StaffUser> {
  const email = input.email.trim();
  const problem = passwordProblem(input.password, email);
  if (problem) throw new RejectedRequestError('weak_password', problem, 400);
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.transaction(async (tx) => {
      const [user] = await tx
        .insert(staffUsers)
        .values({ email, displayName: input.displayName?.trim() || email.split('@')[0]!, role: input.role, passwordHash })
        .returning(publicColumns);
      await recordAudit(tx, context, {
        action: 'user.create',
        objectType: 'staff_user',
        objectId: user!.id,
        details: { email, role: input.role },
      });
      return user!;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new RejectedRequestError('email_taken', `an account with the email ${email} exists`, 409);
    throw err;
  }
}

export function isUniqueViolation(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}

export async function listStaffUsers(db: Database): Promise<StaffUser[]> {
  return db.select(publicColumns).from(staffUsers).orderBy(asc(staffUsers.id));
}

export async function findStaffUserByEmail(db: Executor, email: string): Promise<StaffUser | undefined> {
  const [user] = await db.select(publicColumns).from(staffUsers).where(byEmail(email)).limit(1);
  return user;
}

export interface StaffUserChange {
  role?: StaffRole;
  disabled?: boolean;
}

/**
 * Changes a role or the disabled flag, each change audited, in one transaction. Disabling ends the
 * account's sessions at once (its tokens stop working because every check reads the flag). The last
 * enabled admin can be neither demoted nor disabled: nobody could manage accounts after that.
 */
export async function changeStaffUser(db: Database, id: number, change: StaffUserChange, context: AuditContext): Promise<StaffUser> {
  return db.transaction(async (tx) => {
    // Serialises concurrent role changes, so two admins cannot each demote the other and leave none.
    await tx.execute(sql`select pg_advisory_xact_lock(${STAFF_ROLES_LOCK})`);
    const [before] = await tx.select(publicColumns).from(staffUsers).where(eq(staffUsers.id, id)).limit(1);
    if (!before) throw new RejectedRequestError('not_found', `no staff account ${id}`, 404);
    const losesAdmin =
      before.role === 'admin' && !before.disabled && ((change.role && change.role !== 'admin') || change.disabled === true);
    if (losesAdmin && (await otherEnabledAdmins(tx, id)) === 0) {
      throw new RejectedRequestError('last_admin', 'this is the last enabled admin: make another admin first', 409);
    }
    const [after] = await tx
      .update(staffUsers)
      .set({ ...change, updatedAt: new Date() })
      .where(eq(staffUsers.id, id))
      .returning(publicColumns);
    const audit = (action: 'user.role_change' | 'user.disable' | 'user.enable', details: Record<string, unknown>) =>
      recordAudit(tx, context, { action, objectType: 'staff_user', objectId: id, details });
    if (change.role !== undefined && change.role !== before.role) await audit('user.role_change', { from: before.role, to: change.role });
    if (change.disabled !== undefined && change.disabled !== before.disabled) {
      await audit(change.disabled ? 'user.disable' : 'user.enable', { email: before.email });
      if (change.disabled) await tx.delete(staffSessions).where(eq(staffSessions.userId, id));
    }
    return after!;
  });
}

/** Any fixed number: the advisory lock of role and disabled changes (src/db/migrate.ts uses another). */
const STAFF_ROLES_LOCK = 7_314_160;

async function otherEnabledAdmins(db: Executor, exceptId: number): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(staffUsers)
    .where(and(eq(staffUsers.role, 'admin'), eq(staffUsers.disabled, false), ne(staffUsers.id, exceptId)));
  return row?.n ?? 0;
}

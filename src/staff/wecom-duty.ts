import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import { type AuditContext, recordAudit } from '../audit/audit-log.ts';
import type { Database } from '../db/connect.ts';
import { staffUsers } from '../db/schema.ts';
import type { Executor } from '../db/transaction.ts';
import { RejectedRequestError } from '../errors.ts';
import type { StaffRole } from './roles.ts';
import { isUniqueViolation } from './staff-users.ts';

/**
 * Who is told of waiting conversations in WeCom, and who may answer from there (docs/agents.md,
 * "Notifications in WeCom"): staff accounts linked to a member of the notifying WeCom app, of a
 * role that holds conversations, enabled, and on duty by their own choice.
 */
export const NOTIFIED_ROLES: readonly StaffRole[] = ['admin', 'supervisor', 'agent'];

/** A WeCom UserID: 1–64 letters, digits and `_-.@` (成员 UserID, https://developer.work.weixin.qq.com/document/path/90195). */
export const WECOM_USER_ID = /^[A-Za-z0-9_.@-]{1,64}$/;

/** Links the account to a WeCom member (null unlinks), audited; one member per account. */
export async function linkWecomUser(db: Database, userId: number, wecomUserId: string | null, audit: AuditContext): Promise<void> {
  if (wecomUserId !== null && !WECOM_USER_ID.test(wecomUserId)) {
    throw new RejectedRequestError('invalid_wecom_user', 'a WeCom UserID is 1–64 letters, digits, _ - . or @', 400);
  }
  try {
    await db.transaction(async (tx) => {
      const [before] = await tx.select({ wecomUserId: staffUsers.wecomUserId }).from(staffUsers).where(eq(staffUsers.id, userId));
      if (!before) throw new RejectedRequestError('not_found', `no staff account ${userId}`, 404);
      await tx.update(staffUsers).set({ wecomUserId, updatedAt: new Date() }).where(eq(staffUsers.id, userId));
      await recordAudit(tx, audit, {
        action: 'user.wecom_link',
        objectType: 'staff_user',
        objectId: userId,
        details: { from: before.wecomUserId, to: wecomUserId },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw new RejectedRequestError('wecom_user_taken', `WeCom member ${wecomUserId} is linked to another account`, 409);
    throw err;
  }
}

/** Whether the person is on duty, and the WeCom member notices go to (null: none, so none are sent). */
export async function readDuty(db: Executor, userId: number): Promise<{ onDuty: boolean; wecomUserId: string | null }> {
  const [row] = await db
    .select({ onDuty: staffUsers.onDuty, wecomUserId: staffUsers.wecomUserId })
    .from(staffUsers)
    .where(eq(staffUsers.id, userId));
  if (!row) throw new RejectedRequestError('not_found', `no staff account ${userId}`, 404);
  return row;
}

/** The person says whether they are on duty, audited. */
export async function setOnDuty(db: Database, userId: number, onDuty: boolean, audit: AuditContext): Promise<void> {
  await db.transaction(async (tx) => {
    const [before] = await tx.select({ onDuty: staffUsers.onDuty }).from(staffUsers).where(eq(staffUsers.id, userId));
    if (!before) throw new RejectedRequestError('not_found', `no staff account ${userId}`, 404);
    if (before.onDuty === onDuty) return;
    await tx.update(staffUsers).set({ onDuty, updatedAt: new Date() }).where(eq(staffUsers.id, userId));
    await recordAudit(tx, audit, { action: 'user.duty_change', objectType: 'staff_user', objectId: userId, details: { onDuty } });
  });
}

export interface WecomLinkedStaff {
  userId: number;
  wecomUserId: string;
  displayName: string;
  role: StaffRole;
}

const linkedColumns = {
  userId: staffUsers.id,
  wecomUserId: staffUsers.wecomUserId,
  displayName: staffUsers.displayName,
  role: staffUsers.role,
};

const canBeNotified = and(eq(staffUsers.disabled, false), inArray(staffUsers.role, [...NOTIFIED_ROLES]), isNotNull(staffUsers.wecomUserId));

/** The on-duty staff to notify, by account id. */
export async function onDutyWecomStaff(db: Executor): Promise<WecomLinkedStaff[]> {
  const rows = await db
    .select(linkedColumns)
    .from(staffUsers)
    .where(and(canBeNotified, eq(staffUsers.onDuty, true)))
    .orderBy(staffUsers.id);
  return rows as WecomLinkedStaff[];
}

/** The enabled staff account a WeCom member is linked to, on duty or not (a reply is welcome either way). */
export async function staffOfWecomUser(db: Executor, wecomUserId: string): Promise<WecomLinkedStaff | undefined> {
  const [row] = await db
    .select(linkedColumns)
    .from(staffUsers)
    .where(and(canBeNotified, eq(staffUsers.wecomUserId, wecomUserId)));
  return row as WecomLinkedStaff | undefined;
}

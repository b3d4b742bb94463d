import { type StaffRole, staffRoles } from '../db/staff-schema.ts';
import { PermissionError } from '../errors.ts';

export { type StaffRole, staffRoles };

/**
 * The four roles of issue 13. What a role means for conversations (an agent sees their own and
 * their team's, a marketer no bodies unless granted) is enforced by the routes that serve them;
 * this module answers the one question every route asks first: may this role call me at all.
 *   admin       everything: accounts, roles, the audit log, settings
 *   supervisor  all conversations, assignment, reports
 *   agent       their own and their team's conversations
 *   marketer    tags, segments, broadcasts
 */
export const EVERY_ROLE: readonly StaffRole[] = staffRoles;
export const ADMIN_ONLY: readonly StaffRole[] = ['admin'];

export function isStaffRole(value: string): value is StaffRole {
  return (staffRoles as readonly string[]).includes(value);
}

export function roleAllows(role: StaffRole, allowed: readonly StaffRole[]): boolean {
  return allowed.includes(role);
}

/** Throws 403 unless `role` is one of `allowed`: the server-side check, never the client's. */
export function requireRole(role: StaffRole, allowed: readonly StaffRole[]): void {
  if (!roleAllows(role, allowed)) throw new PermissionError(`the ${role} role may not do this (allowed: ${allowed.join(', ')})`);
}

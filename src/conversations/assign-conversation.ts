import { and, eq } from 'drizzle-orm';
import { type AuditContext, recordAudit } from '../audit/audit-log.ts';
import { staffUsers } from '../db/schema.ts';
import { PermissionError, RejectedRequestError } from '../errors.ts';
import { HOLDING_ROLES } from '../staff/list-agents.ts';
import {
  canSee,
  conflict,
  eventOf,
  readState,
  seesEverything,
  type StaffActor,
  type StaffOperationDeps,
  transition,
} from './staff-access.ts';

/**
 * A takeover or a transfer, in one transaction with its audit entry: the conversation goes to
 * `human`, held by `assignee`, and the worker holds the customer's messages for that person from
 * then on. An agent takes conversations for themselves only, and only one nobody holds yet;
 * supervisors and admins assign anyone who can hold a conversation, and move held ones.
 */
export async function assignConversation(
  { db, events }: StaffOperationDeps,
  actor: StaffActor,
  input: { conversationId: number; assignee: number },
  audit: AuditContext,
): Promise<void> {
  if (input.assignee !== actor.userId && !seesEverything(actor)) {
    throw new PermissionError('an agent assigns conversations to themselves only ("me")');
  }
  const assigned = await db.transaction(async (tx) => {
    const current = await readState(tx, input.conversationId);
    if (current.status === 'closed') throw conflict(current.id, 'it is closed');
    if (current.status === 'human' && current.assignee === String(input.assignee)) return undefined;
    // Taken by someone else: for an agent that is a lost race (or a late click), not a refusal.
    if (current.status === 'human' && !seesEverything(actor)) throw conflict(current.id, 'someone already has it');
    if (!canSee(actor, current)) throw new PermissionError(`conversation ${current.id} is not waiting for a person`);
    const [target] = await tx
      .select({ role: staffUsers.role })
      .from(staffUsers)
      .where(and(eq(staffUsers.id, input.assignee), eq(staffUsers.disabled, false)));
    if (!target || !(HOLDING_ROLES as readonly string[]).includes(target.role)) {
      throw new RejectedRequestError('invalid_assignee', `staff user ${input.assignee} cannot hold conversations`, 400);
    }
    const next = await transition(tx, current, { status: 'human', assignee: String(input.assignee) });
    await recordAudit(tx, audit, {
      action: 'conversation.assign',
      objectType: 'conversation',
      objectId: current.id,
      details: { from: current.status, previousAssignee: current.assignee, assignee: input.assignee },
    });
    return next;
  });
  if (assigned) events.publish(eventOf(assigned, 'assigned'));
}

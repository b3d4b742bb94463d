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
  servicerHolds,
  type StaffActor,
  type StaffOperationDeps,
  transition,
} from './staff-access.ts';
import { queueStaffLine, staffJoinedLine, storeStaffLine } from './staff-lines.ts';
import { beginHumanStretch } from './workspace-moments.ts';

/**
 * A takeover or a transfer, in one transaction with its audit entry: the conversation goes to
 * `human`, held by `assignee`, and the worker holds the customer's messages for that person from
 * then on. An agent takes conversations for themselves only, and only one nobody holds yet;
 * supervisors and admins assign anyone who can hold a conversation, and move held ones. With
 * `lines`, a customer whose client shows it is told who joined (src/conversations/staff-lines.ts).
 */
export async function assignConversation(
  { db, events, lines, timings }: StaffOperationDeps,
  actor: StaffActor,
  input: { conversationId: number; assignee: number },
  audit: AuditContext,
): Promise<void> {
  if (input.assignee !== actor.userId && !seesEverything(actor)) {
    throw new PermissionError('an agent assigns conversations to themselves only ("me")');
  }
  const done = await db.transaction(async (tx) => {
    const current = await readState(tx, input.conversationId);
    if (current.status === 'closed') throw conflict(current.id, 'it is closed');
    // The WeCom session is in state 3, where kf/send_msg is refused: the servicer ends it in WeCom.
    if (current.servicerUserId) throw servicerHolds(current.id, current.servicerUserId);
    if (current.status === 'human' && current.assignee === String(input.assignee)) return undefined;
    // Taken by someone else: for an agent that is a lost race (or a late click), not a refusal.
    if (current.status === 'human' && !seesEverything(actor)) throw conflict(current.id, 'someone already has it');
    if (!canSee(actor, current)) throw new PermissionError(`conversation ${current.id} is not waiting for a person`);
    const [target] = await tx
      .select({ role: staffUsers.role, displayName: staffUsers.displayName })
      .from(staffUsers)
      .where(and(eq(staffUsers.id, input.assignee), eq(staffUsers.disabled, false)));
    if (!target || !(HOLDING_ROLES as readonly string[]).includes(target.role)) {
      throw new RejectedRequestError('invalid_assignee', `staff user ${input.assignee} cannot hold conversations`, 400);
    }
    const waitedFor = await beginHumanStretch(tx, current);
    const next = await transition(tx, current, { status: 'human', assignee: String(input.assignee) });
    await recordAudit(tx, audit, {
      action: 'conversation.assign',
      objectType: 'conversation',
      objectId: current.id,
      details: { from: current.status, previousAssignee: current.assignee, assignee: input.assignee },
    });
    const line =
      lines &&
      (await storeStaffLine(tx, lines, current, {
        text: staffJoinedLine(target.displayName),
        event: 'joined',
        staffUserId: input.assignee,
      }));
    return { next, line, waitedFor };
  });
  if (!done) return;
  events.publish(eventOf(done.next, 'assigned'));
  await queueStaffLine(lines, done.line);
  if (done.waitedFor) timings?.handoffWaited(done.waitedFor.channel, done.waitedFor.seconds);
}

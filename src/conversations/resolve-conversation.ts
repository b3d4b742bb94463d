import { type AuditContext, recordAudit } from '../audit/audit-log.ts';
import { PermissionError } from '../errors.ts';
import { conflict, eventOf, holds, readForStaff, type StaffActor, type StaffOperationDeps, transition } from './staff-access.ts';

/**
 * Resolved: the person hands the conversation back to the bot, which answers the customer's next
 * message with the human turns in its memory (they are in the history it reads). Messages the
 * customer sent while a person held it stay held: the person answered them.
 */
export async function resolveConversation(
  { db, events }: StaffOperationDeps,
  actor: StaffActor,
  conversationId: number,
  audit: AuditContext,
): Promise<void> {
  const done = await db.transaction(async (tx) => {
    const current = await readForStaff(tx, actor, conversationId);
    if (current.status !== 'human' && current.status !== 'needs_human')
      throw conflict(current.id, `it is ${current.status}, not with a person`);
    if (!holds(actor, current)) throw new PermissionError(`conversation ${current.id} is not yours to resolve`);
    const next = await transition(tx, current, { status: 'bot', assignee: null });
    await recordAudit(tx, audit, {
      action: 'conversation.resolve',
      objectType: 'conversation',
      objectId: current.id,
      details: { from: current.status, previousAssignee: current.assignee },
    });
    return next;
  });
  events.publish(eventOf(done, 'resolved'));
}

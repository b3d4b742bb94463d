import { type AuditContext, recordAudit } from '../audit/audit-log.ts';
import { PermissionError } from '../errors.ts';
import { conflict, eventOf, holds, readForStaff, type StaffActor, type StaffOperationDeps, transition } from './staff-access.ts';
import { stampResolved } from './workspace-moments.ts';

/** Closed: the customer's next message opens a new conversation (with the bot). */
export async function closeConversation(
  { db, events, roundRobin }: StaffOperationDeps,
  actor: StaffActor,
  conversationId: number,
  audit: AuditContext,
): Promise<void> {
  const done = await db.transaction(async (tx) => {
    const current = await readForStaff(tx, actor, conversationId);
    if (current.status === 'closed') throw conflict(current.id, 'it is closed already');
    if (!holds(actor, current)) throw new PermissionError(`conversation ${current.id} is not yours to close`);
    const next = await transition(tx, current, { status: 'closed', assignee: current.assignee });
    await stampResolved(tx, current.id, actor);
    await recordAudit(tx, audit, {
      action: 'conversation.close',
      objectType: 'conversation',
      objectId: current.id,
      details: { from: current.status, assignee: current.assignee },
    });
    return { next, freed: current.status === 'human' ? current.assignee : null };
  });
  events.publish(eventOf(done.next, 'closed'));
  // Its holder has a slot free: round-robin may give them the next waiting one.
  if (done.freed) await roundRobin?.available(Number(done.freed));
}

import { type AuditContext, recordAudit } from '../audit/audit-log.ts';
import { PermissionError } from '../errors.ts';
import { conflict, eventOf, holds, readForStaff, type StaffActor, type StaffOperationDeps, transition } from './staff-access.ts';
import { BACK_TO_BOT_LINE, queueStaffLine, storeStaffLine } from './staff-lines.ts';
import { stampResolved } from './workspace-moments.ts';

/**
 * Resolved: the person hands the conversation back to the bot, which answers the customer's next
 * message with the human turns in its memory (they are in the history it reads). Messages the
 * customer sent while a person held it stay held: the person answered them. With `lines`, a
 * customer whose client shows it is told the bot is back (src/conversations/staff-lines.ts).
 */
export async function resolveConversation(
  { db, events, lines, roundRobin }: StaffOperationDeps,
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
    await stampResolved(tx, current.id, actor);
    await recordAudit(tx, audit, {
      action: 'conversation.resolve',
      objectType: 'conversation',
      objectId: current.id,
      details: { from: current.status, previousAssignee: current.assignee },
    });
    const line = lines && (await storeStaffLine(tx, lines, current, { text: BACK_TO_BOT_LINE, event: 'left' }));
    return { next, line, freed: current.assignee };
  });
  events.publish(eventOf(done.next, 'resolved'));
  await queueStaffLine(lines, done.line);
  // Its holder has a slot free: round-robin may give them the next waiting one.
  if (done.freed) await roundRobin?.available(Number(done.freed));
}

import { type AuditContext, recordAudit } from '../audit/audit-log.ts';
import type { Database } from '../db/connect.ts';
import { PermissionError } from '../errors.ts';
import { conflict, holds, readForStaff, type StaffActor, transition } from './staff-access.ts';
import { stampResolved } from './workspace-moments.ts';

/** Closed: the customer's next message opens a new conversation (with the bot). */
export async function closeConversation(db: Database, actor: StaffActor, conversationId: number, audit: AuditContext): Promise<void> {
  await db.transaction(async (tx) => {
    const current = await readForStaff(tx, actor, conversationId);
    if (current.status === 'closed') throw conflict(current.id, 'it is closed already');
    if (!holds(actor, current)) throw new PermissionError(`conversation ${current.id} is not yours to close`);
    await transition(tx, current, { status: 'closed', assignee: current.assignee });
    await stampResolved(tx, current.id, actor);
    await recordAudit(tx, audit, {
      action: 'conversation.close',
      objectType: 'conversation',
      objectId: current.id,
      details: { from: current.status, assignee: current.assignee },
    });
  });
}

import { type AuditContext, recordAudit } from '../audit/audit-log.ts';
import { insertAgentMessage } from './agent-messages.ts';
import { eventOf, readForStaff, type StaffActor, type StaffOperationDeps } from './staff-access.ts';

/**
 * An internal note: in the conversation's history for staff, never sent. Stored as a message of
 * kind `note` with no deliveries (nothing to send) and status `ignored`, which keeps it out of
 * the bot's memory (src/conversations/load-turn.ts reads answered, sent and held messages only).
 */
export async function addConversationNote(
  { db, events }: StaffOperationDeps,
  actor: StaffActor & { displayName: string },
  input: { conversationId: number; text: string },
  audit: AuditContext,
): Promise<{ messageId: number }> {
  const { current, messageId } = await db.transaction(async (tx) => {
    const current = await readForStaff(tx, actor, input.conversationId);
    const note = await insertAgentMessage(tx, actor, {
      conversationId: current.id,
      channelAccountId: current.channelAccountId,
      kind: 'note',
      text: input.text,
      status: 'ignored',
    });
    await recordAudit(tx, audit, {
      action: 'conversation.note',
      objectType: 'conversation',
      objectId: current.id,
      details: { messageId: note.id },
    });
    return { current, messageId: note.id };
  });
  events.publish(eventOf(current, 'note'));
  return { messageId };
}

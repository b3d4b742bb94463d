import { type AuditContext, recordAudit } from '../audit/audit-log.ts';
import type { Database } from '../db/connect.ts';
import { insertAgentMessage } from './agent-messages.ts';
import { readForStaff, type StaffActor } from './staff-access.ts';

/**
 * An internal note: in the conversation's history for staff, never sent. Stored as a message of
 * kind `note` with no deliveries (nothing to send) and status `ignored`, which keeps it out of
 * the bot's memory (src/conversations/load-turn.ts reads answered, sent and held messages only).
 */
export async function addConversationNote(
  db: Database,
  actor: StaffActor & { displayName: string },
  input: { conversationId: number; text: string },
  audit: AuditContext,
): Promise<{ messageId: number }> {
  return db.transaction(async (tx) => {
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
    return { messageId: note.id };
  });
}

import type { Executor } from '../db/transaction.ts';
import { messages } from '../db/schema.ts';
import type { StaffActor } from './staff-access.ts';

/**
 * A person's outbound message in a conversation's history: a reply (`text`, queued for delivery)
 * or an internal note (`note`, never sent). Sender `agent`; who it was stays in `meta`.
 */
export async function insertAgentMessage(
  tx: Executor,
  actor: StaffActor & { displayName: string },
  message: { conversationId: number; channelAccountId: number; kind: 'text' | 'note'; text: string; status: 'queued' | 'ignored' },
): Promise<{ id: number; createdAt: Date }> {
  const [row] = await tx
    .insert(messages)
    .values({
      conversationId: message.conversationId,
      channelAccountId: message.channelAccountId,
      direction: 'out',
      sender: 'agent',
      kind: message.kind,
      text: message.text,
      content: { type: message.kind, text: message.text },
      status: message.status,
      meta: { staffUserId: actor.userId, staffName: actor.displayName },
    })
    .returning({ id: messages.id, createdAt: messages.createdAt });
  return row!;
}

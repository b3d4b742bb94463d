import { sql } from 'drizzle-orm';
import { type AuditContext, recordAudit } from '../audit/audit-log.ts';
import type { ClientServicer, ClientServicers, OutboundRecipient } from '../channels/types.ts';
import type { Database } from '../db/connect.ts';
import { queryRows } from '../db/rows.ts';
import { PermissionError, RejectedRequestError } from '../errors.ts';
import type { ConversationEvents } from './conversation-events.ts';
import { conflict, eventOf, holds, readForStaff, type StaffActor, transition } from './staff-access.ts';
import { insertSystemEvent } from './system-events.ts';

export interface ServicerDeps {
  db: Database;
  events: ConversationEvents;
  /** The channel's own agent client (Channel.servicers), undefined when its platform has none. */
  servicersOf(channel: string): ClientServicers | undefined;
}

/** The conversation's platform recipient, and its channel's servicers: 409 when the channel has none. */
async function servicersFor(deps: ServicerDeps, conversationId: number): Promise<{ servicers: ClientServicers; to: OutboundRecipient }> {
  const [row] = await queryRows<{ channel: string; accountName: string; customerExternalId: string }>(
    deps.db,
    sql`select a.channel, a.name as "accountName", cu.external_id as "customerExternalId"
        from conversations c join channel_accounts a on a.id = c.channel_account_id join customers cu on cu.id = c.customer_id
        where c.id = ${conversationId}`,
  );
  const servicers = row && deps.servicersOf(row.channel);
  if (!row || !servicers)
    throw new RejectedRequestError(
      'no_client_servicers',
      `conversation ${conversationId} is not on a channel whose own client takes conversations (微信客服 only)`,
      409,
    );
  return { servicers, to: { accountName: row.accountName, customerExternalId: row.customerExternalId } };
}

/** Who may take the conversation in the platform's own client now (微信客服: servicers on duty). */
export async function listOnDutyServicers(deps: ServicerDeps, actor: StaffActor, conversationId: number): Promise<ClientServicer[]> {
  await readForStaff(deps.db, actor, conversationId);
  const { servicers, to } = await servicersFor(deps, conversationId);
  return servicers.onDuty(to);
}

/**
 * Hands the conversation to a servicer in the platform's own client (微信客服: the WeCom client,
 * session state 3). The platform is asked first — a servicer not on duty is refused there (409)
 * and nothing changes here; then, in one transaction, the conversation becomes `human` held by
 * that servicer (no staff assignee), the history records it and the audit log too. Our console
 * does not send from then on (kf/send_msg is refused in state 3); it comes back to the bot when
 * the servicer ends the session (src/conversations/servicer-activity.ts).
 */
export async function handToServicer(
  deps: ServicerDeps,
  actor: StaffActor,
  input: { conversationId: number; servicerUserId: string },
  audit: AuditContext,
): Promise<void> {
  const before = await readForStaff(deps.db, actor, input.conversationId);
  if (before.status === 'closed') throw conflict(before.id, 'it is closed');
  if (before.status === 'human' && !holds(actor, before))
    throw new PermissionError(`conversation ${before.id} is assigned to someone else`);
  const { servicers, to } = await servicersFor(deps, before.id);
  await servicers.handOver(to, input.servicerUserId);
  const next = await deps.db.transaction(async (tx) => {
    // The session moved already: if someone else changed the conversation meanwhile, the 409 says
    // so, and the servicer's own events (session_status_change) keep the history true.
    const moved = await transition(tx, before, { status: 'human', assignee: null, servicerUserId: input.servicerUserId });
    await insertSystemEvent(tx, {
      conversationId: before.id,
      channelAccountId: before.channelAccountId,
      event: 'handed_to_servicer',
      detail: { servicerUserId: input.servicerUserId, staffUserId: String(actor.userId) },
      text: `已转给接待人员 ${input.servicerUserId}（企业微信客户端）`,
    });
    await recordAudit(tx, audit, {
      action: 'conversation.hand_to_servicer',
      objectType: 'conversation',
      objectId: before.id,
      details: { from: before.status, previousAssignee: before.assignee, servicerUserId: input.servicerUserId },
    });
    return moved;
  });
  deps.events.publish(eventOf(next, 'assigned'));
}

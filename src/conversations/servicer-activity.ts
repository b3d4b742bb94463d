import { sql } from 'drizzle-orm';
import type { ChannelKind, InboundContent } from '../channels/types.ts';
import type { Database } from '../db/connect.ts';
import type { ConversationStatus } from '../db/schema.ts';
import { messages } from '../db/schema.ts';
import type { Transaction } from '../db/transaction.ts';
import type { ConversationEvents } from './conversation-events.ts';
import { readableText } from './record-inbound.ts';
import { insertSystemEvent } from './system-events.ts';

/**
 * What the company's servicers do in a platform's own client (微信客服: the WeCom client), as the
 * platform reports it: their replies, already delivered by the platform, and their taking,
 * passing on and ending of sessions. Each is recorded once (by the platform's message id, as the
 * same sync page may be read again) and the console is told after the commit.
 */
export interface ServicerActivityDeps {
  db: Database;
  events: ConversationEvents;
}

interface Customer {
  channel: ChannelKind;
  accountName: string;
  customerExternalId: string;
}

interface OpenConversation {
  id: number;
  status: ConversationStatus;
  assignee: string | null;
  teamId: number | null;
  channelAccountId: number;
}

/** The customer's open conversation, locked for this transaction; undefined when they have none. */
async function lockOpenConversation(tx: Transaction, customer: Customer): Promise<OpenConversation | undefined> {
  const result = (await tx.execute(sql`
    select c.id::int, c.status, c.assignee, c.team_id::int as "teamId", c.channel_account_id as "channelAccountId"
    from conversations c join customers cu on cu.id = c.customer_id join channel_accounts a on a.id = cu.channel_account_id
    where a.channel = ${customer.channel} and a.name = ${customer.accountName} and cu.external_id = ${customer.customerExternalId}
      and c.status <> 'closed'
    for update of c`)) as unknown as { rows: OpenConversation[] };
  return result.rows[0];
}

export type ServicerActivityOutcome = 'recorded' | 'duplicate' | 'no_conversation';

/**
 * A servicer's reply typed in the platform's client: an outbound `agent` message, status `sent`
 * with no delivery (the platform delivered it), the servicer's id in `meta`. It is in the bot's
 * memory like a staff reply.
 */
export async function recordServicerReply(
  deps: ServicerActivityDeps,
  reply: Customer & { servicerUserId: string; content: InboundContent; platformMessageId?: string; dedupeKey: string; sentAt: Date },
): Promise<ServicerActivityOutcome> {
  const done = await deps.db.transaction(async (tx) => {
    const conversation = await lockOpenConversation(tx, reply);
    if (!conversation) return undefined;
    const [row] = await tx
      .insert(messages)
      .values({
        conversationId: conversation.id,
        channelAccountId: conversation.channelAccountId,
        direction: 'out',
        sender: 'agent',
        kind: reply.content.type,
        text: readableText(reply.content),
        content: reply.content as unknown as Record<string, unknown>,
        status: 'sent',
        platformMessageId: reply.platformMessageId ?? null,
        dedupeKey: reply.dedupeKey,
        platformSentAt: reply.sentAt,
        meta: { servicerUserId: reply.servicerUserId },
      })
      .onConflictDoNothing()
      .returning({ id: messages.id });
    if (!row) return { conversation, outcome: 'duplicate' as const };
    await tx.execute(sql`update conversations set last_message_at = now(), updated_at = now() where id = ${conversation.id}`);
    return { conversation, outcome: 'recorded' as const };
  });
  if (!done) return 'no_conversation';
  if (done.outcome === 'recorded') publish(deps, done.conversation, 'message');
  return done.outcome;
}

/**
 * How a session changed in the platform's client: a servicer picked it up, passed it on or
 * rejoined it (the conversation is `human`, held by that servicer, no staff assignee), or ended
 * it (back to the bot, which answers the customer's next message). `handed_over` is our own move
 * of the session to a servicer at a handoff (the account's "hand to the WeCom client" mode).
 */
export type ServicerSessionChange =
  | { kind: 'picked_up' | 'transferred' | 'rejoined' | 'handed_over'; servicerUserId: string; previousServicerUserId?: string }
  | { kind: 'ended'; previousServicerUserId?: string };

/** What the console shows in the history. */
function describeChange(change: ServicerSessionChange): string {
  switch (change.kind) {
    case 'picked_up':
      return `接待人员 ${change.servicerUserId} 接入了会话`;
    case 'transferred':
      return `会话由 ${change.previousServicerUserId ?? '—'} 转给了 ${change.servicerUserId}`;
    case 'rejoined':
      return `接待人员 ${change.servicerUserId} 重新接入了会话`;
    case 'handed_over':
      return `已转给接待人员 ${change.servicerUserId}（企业微信客户端）`;
    case 'ended':
      return `接待人员 ${change.previousServicerUserId ?? ''} 结束了会话，交回机器人`;
  }
}

export async function recordServicerSessionChange(
  deps: ServicerActivityDeps,
  /** `dedupeKey`: the platform's event id; absent for our own moves (`handed_over`), which happen once. */
  event: Customer & { change: ServicerSessionChange; dedupeKey?: string; sentAt: Date },
): Promise<ServicerActivityOutcome> {
  const { change } = event;
  const done = await deps.db.transaction(async (tx) => {
    const conversation = await lockOpenConversation(tx, event);
    if (!conversation) return undefined;
    const detail: Record<string, string> = { change: change.kind };
    if ('servicerUserId' in change) detail.servicerUserId = change.servicerUserId;
    if (change.previousServicerUserId) detail.previousServicerUserId = change.previousServicerUserId;
    const recorded = await insertSystemEvent(tx, {
      conversationId: conversation.id,
      channelAccountId: conversation.channelAccountId,
      event: 'servicer_session_change',
      detail,
      text: describeChange(change),
      dedupeKey: event.dedupeKey,
      platformSentAt: event.sentAt,
    });
    if (!recorded) return { conversation, outcome: 'duplicate' as const };
    const next =
      change.kind === 'ended' ? { status: 'bot' as const, servicer: null } : { status: 'human' as const, servicer: change.servicerUserId };
    // Ending hands the conversation back to the bot only if a person had it: one the bot already
    // has stays as it is. The handoff reason goes with the person, as when staff resolve it.
    if (change.kind === 'ended' && conversation.status === 'bot') return { conversation, outcome: 'recorded' as const };
    await tx.execute(sql`
      update conversations
      set status = ${next.status}, assignee = null, servicer_userid = ${next.servicer}, updated_at = now(),
          waiting_since = null, handoff_reason = case when ${next.status} = 'bot' then null else handoff_reason end
      where id = ${conversation.id}`);
    return { conversation: { ...conversation, status: next.status, assignee: null }, outcome: 'recorded' as const };
  });
  if (!done) return 'no_conversation';
  if (done.outcome === 'recorded') publish(deps, done.conversation, change.kind === 'ended' ? 'resolved' : 'assigned');
  return done.outcome;
}

function publish(deps: ServicerActivityDeps, conversation: OpenConversation, change: 'message' | 'assigned' | 'resolved'): void {
  deps.events.publish({
    conversationId: conversation.id,
    change,
    status: conversation.status,
    assignee: conversation.assignee === null ? null : Number(conversation.assignee),
    teamId: conversation.teamId,
  });
}

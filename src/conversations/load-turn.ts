import { sql } from 'drizzle-orm';
import type { ChannelKind } from '../channels/types.ts';
import type { Database } from '../db/connect.ts';
import { queryRows } from '../db/rows.ts';
import type { ConversationStatus } from '../db/schema.ts';
import { knowledgeBaseOfAccount } from './channel-accounts.ts';
import type { UnfinishedDelivery } from './deliveries.ts';

export interface ConversationHeader {
  id: number;
  status: ConversationStatus;
  channel: ChannelKind;
  accountName: string;
  customerId: number;
  customerExternalId: string;
  customerName: string | null;
  /** The customer's tags (customer_tags), for the handoff policy's VIP rule. */
  customerTags: string[];
  knowledgeBase: string;
}

export interface StoredMessage {
  id: number;
  direction: 'in' | 'out';
  sender: string;
  kind: string;
  text: string;
  createdAt: Date;
  /** What the bot stored with its reply (a clarify offer…); null for any other message. */
  meta: Record<string, unknown> | null;
}

export interface TurnState {
  conversation: ConversationHeader;
  /** Customer messages not yet answered, oldest first: the customer's turn. */
  pending: StoredMessage[];
  /** Reply parts an earlier turn left unsent, in the order the customer must see them. */
  unfinished: UnfinishedDelivery[];
  /** When we last wrote to the customer, if ever. */
  lastOutboundAt: Date | null;
  /** The answered turns before the pending messages, oldest first, at most `historyLimit`: what the brain remembers. */
  history: StoredMessage[];
}

interface TurnStateRow {
  id: number;
  status: ConversationStatus;
  channel: string;
  accountName: string;
  accountSettings: Record<string, unknown>;
  customerId: number;
  customerExternalId: string;
  customerName: string | null;
  customerTags: string[];
  pending: Array<Omit<StoredMessage, 'createdAt'> & { createdAt: number }>;
  unfinished: Array<Omit<UnfinishedDelivery, 'askedAt'> & { askedAt: number | null }>;
  lastOutboundAt: number | null;
  history: Array<Omit<StoredMessage, 'createdAt'> & { createdAt: number }>;
}

const messageJson = sql.raw(`json_build_object('id', m.id, 'direction', m.direction, 'sender', m.sender, 'kind', m.kind,
  'text', coalesce(m.text, ''), 'createdAt', floor(extract(epoch from m.created_at) * 1000),
  'meta', case when m.sender = 'bot' then m.meta end)`);

/**
 * Everything the turns of these conversations start from, in one round trip: each conversation
 * with its channel account and customer (and the customer's tags), its pending customer
 * messages, reply parts still to send, and the history before them (bot replies with their meta). One result per id, in order (undefined: no such conversation).
 */
export async function loadTurnStates(db: Database, conversationIds: number[], historyLimit: number): Promise<Array<TurnState | undefined>> {
  const rows = await queryRows<TurnStateRow>(
    db,
    sql`
    select c.id::int, c.status, a.channel, a.name as "accountName", a.settings as "accountSettings",
           cu.id::int as "customerId", cu.external_id as "customerExternalId", cu.display_name as "customerName",
           coalesce((select json_agg(t.tag order by t.tag) from customer_tags t where t.customer_id = cu.id), '[]'::json) as "customerTags",
           coalesce((
             select json_agg(${messageJson} order by m.id)
             from messages m where m.conversation_id = c.id and m.direction = 'in' and m.status = 'pending'
           ), '[]'::json) as pending,
           coalesce((
             select json_agg(${messageJson} order by m.id) from (
               select * from messages h
               where h.conversation_id = c.id and h.status in ('answered', 'sent', 'held')
                 and h.id < coalesce((select min(p.id) from messages p where p.conversation_id = c.id and p.direction = 'in' and p.status = 'pending'), 0)
               order by h.id desc limit ${historyLimit}
             ) m
           ), '[]'::json) as history,
           coalesce((
             select json_agg(json_build_object('id', d.id, 'messageId', d.message_id, 'part', d.part, 'body', d.body, 'status', d.status,
                                               'askedAt', floor(extract(epoch from asked.created_at) * 1000)) order by d.id)
             from deliveries d join messages reply on reply.id = d.message_id left join messages asked on asked.id = reply.reply_to_id
             where d.conversation_id = c.id and d.status in ('pending', 'sending')
           ), '[]'::json) as unfinished,
           (select floor(extract(epoch from max(o.created_at)) * 1000)::float8 from messages o
             where o.conversation_id = c.id and o.direction = 'out' and o.kind <> 'note') as "lastOutboundAt"
    from conversations c
    join customers cu on cu.id = c.customer_id
    join channel_accounts a on a.id = c.channel_account_id
    where c.id in (${sql.join(
      conversationIds.map((id) => sql`${id}`),
      sql`, `,
    )})`,
  );
  const byId = new Map(rows.map((row) => [row.id, toTurnState(row)]));
  return conversationIds.map((id) => byId.get(id));
}

function toTurnState(row: TurnStateRow): TurnState {
  const { accountSettings, pending, unfinished, lastOutboundAt, history, ...header } = row;
  const knowledgeBase = knowledgeBaseOfAccount(accountSettings);
  return {
    conversation: { ...header, channel: header.channel as ChannelKind, knowledgeBase },
    pending: pending.map((m) => ({ ...m, createdAt: new Date(m.createdAt) })),
    unfinished: unfinished.map((d) => ({ ...d, askedAt: d.askedAt === null ? null : new Date(d.askedAt) })),
    lastOutboundAt: lastOutboundAt === null ? null : new Date(lastOutboundAt),
    history: history.map((m) => ({ ...m, createdAt: new Date(m.createdAt) })),
  };
}

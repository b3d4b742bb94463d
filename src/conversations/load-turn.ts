import type { ChannelKind } from '../channels/types.ts';
import type { Database } from '../db/connect.ts';
import { type PreparedStatement, runPrepared } from '../db/prepared-statement.ts';
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
  /**
   * Whether any tag rule is enabled, read after the pending messages were stored: a rule enabled
   * later is backfilled over the history (src/audience), and its backfill sees these messages.
   */
  tagRulesEnabled: boolean;
}

interface TurnStateRow {
  id: number;
  fence: number;
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
  tagRulesEnabled: boolean;
}

const messageJson = `json_build_object('id', m.id, 'direction', m.direction, 'sender', m.sender, 'kind', m.kind,
  'text', coalesce(m.text, ''), 'createdAt', floor(extract(epoch from m.created_at) * 1000),
  'meta', case when m.sender = 'bot' then m.meta end)`;

/**
 * Raises the send fences of these conversations and reads everything their turns start from, each
 * row found by key: the conversations by primary key (an `= any(array[…])` join), the rest per
 * conversation through the indexes of its messages, deliveries, customer and tags (scalar
 * subqueries and lateral probes with a limit) — see src/db/prepared-statement.ts.
 */
export const startTurnsStatement: PreparedStatement = {
  name: 'start_turns',
  text: `
    with fenced as (
      update conversations c set send_fence = c.send_fence + 1
      from unnest($1::bigint[]) as k(id) where c.id = any(array[k.id])
      returning c.id, c.status, c.customer_id, c.channel_account_id, c.send_fence
    )
    select c.id::int, c.send_fence::float8 as fence, c.status, a.channel, a.name as "accountName", a.settings as "accountSettings",
           cu.id::int as "customerId", cu.external_id as "customerExternalId", cu.display_name as "customerName",
           coalesce((select json_agg(g.name order by g.name) from customer_tags t join tags g on g.id = t.tag_id where t.customer_id = cu.id), '[]'::json) as "customerTags",
           coalesce((
             select json_agg(${messageJson} order by m.id)
             from messages m where m.conversation_id = c.id and m.direction = 'in' and m.status = 'pending'
           ), '[]'::json) as pending,
           coalesce((
             select json_agg(${messageJson} order by m.id) from (
               select h.id, h.direction, h.sender, h.kind, h.text, h.created_at, h.meta from messages h
               where h.conversation_id = c.id and h.status in ('answered', 'sent', 'held')
                 and h.id < coalesce((select min(p.id) from messages p where p.conversation_id = c.id and p.direction = 'in' and p.status = 'pending'), 0)
               order by h.id desc limit $2::int
             ) m
           ), '[]'::json) as history,
           coalesce((
             select json_agg(json_build_object('id', d.id, 'messageId', d.message_id, 'part', d.part, 'body', d.body, 'status', d.status,
                                               'askedAt', floor(extract(epoch from asked.created_at) * 1000)) order by d.id)
             from deliveries d join messages reply on reply.id = d.message_id left join messages asked on asked.id = reply.reply_to_id
             where d.conversation_id = c.id and d.status in ('pending', 'sending')
           ), '[]'::json) as unfinished,
           (select floor(extract(epoch from max(o.created_at)) * 1000)::float8 from messages o
             where o.conversation_id = c.id and o.direction = 'out' and o.kind <> 'note') as "lastOutboundAt",
           exists (select 1 from tag_rules r where r.enabled) as "tagRulesEnabled"
    from fenced c
    cross join lateral (select id, external_id, display_name from customers where id = c.customer_id limit 1) cu
    cross join lateral (select channel, name, settings from channel_accounts where id = c.channel_account_id limit 1) a`,
};

/** A turn's start: its send fence (send-fence.ts) and its state. */
export interface StartedTurn {
  fence: number;
  state: TurnState;
}

/**
 * Starts the turns of these conversations in one round trip: raises each conversation's send fence
 * (taken with the lock: from now on, turns that held it before can no longer send) and reads
 * everything the turn starts from — the conversation with its channel account and customer (and
 * the customer's tags), its pending customer messages, reply parts still to send, and the history
 * before them (bot replies with their meta). One result per id, in order (undefined: no such
 * conversation). The state is read in the statement that raises the fence, so it holds every
 * delivery a superseded turn marked before the fence moved.
 */
export async function startTurns(db: Database, conversationIds: number[], historyLimit: number): Promise<Array<StartedTurn | undefined>> {
  const rows = await runPrepared<TurnStateRow>(db, startTurnsStatement, [conversationIds, historyLimit]);
  const byId = new Map(rows.map((row) => [row.id, { fence: row.fence, state: toTurnState(row) }]));
  return conversationIds.map((id) => byId.get(id));
}

function toTurnState(row: TurnStateRow): TurnState {
  const { fence: _, accountSettings, pending, unfinished, lastOutboundAt, history, tagRulesEnabled, ...header } = row;
  const knowledgeBase = knowledgeBaseOfAccount(accountSettings);
  return {
    conversation: { ...header, channel: header.channel as ChannelKind, knowledgeBase },
    pending: pending.map((m) => ({ ...m, createdAt: new Date(m.createdAt) })),
    unfinished: unfinished.map((d) => ({ ...d, askedAt: d.askedAt === null ? null : new Date(d.askedAt) })),
    lastOutboundAt: lastOutboundAt === null ? null : new Date(lastOutboundAt),
    history: history.map((m) => ({ ...m, createdAt: new Date(m.createdAt) })),
    tagRulesEnabled,
  };
}

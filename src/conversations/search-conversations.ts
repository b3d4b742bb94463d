import { sql } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { queryRows } from '../db/rows.ts';
import { type InboxEntry, selectInboxRows, toEntry } from './list-inbox.ts';
import { seesEverything, type StaffActor } from './staff-access.ts';

/**
 * pg_trgm indexes a string by its three-character pieces: a query shorter than three characters
 * has none, and its index would be read whole (https://www.postgresql.org/docs/current/pgtrgm.html,
 * "Index Support"). Such queries scan the newest rows only, this many messages and customers.
 */
export const SHORT_QUERY_SCAN_ROWS = 20_000;
const SNIPPET_CONTEXT = 24;

export interface SearchHit extends InboxEntry {
  /** The first matching message's text around the match; null when the customer matched, not a message. */
  snippet: string | null;
}

/**
 * Conversations whose customer (display name, external id) or messages' text contain `q`,
 * case-insensitively, most recent first; only those the actor may read (agents: waiting, held by
 * them, resolved by them). Substring match through trigram indexes (messages_text_trgm,
 * customers_display_name_trgm, customers_external_id_trgm), so Chinese needs no word splitting.
 */
export async function searchConversations(
  db: Database,
  actor: StaffActor,
  input: { q: string; limit: number },
): Promise<{ conversations: SearchHit[] }> {
  const pattern = `%${input.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const short = [...input.q].length < 3;
  const newestMessages = short ? sql`and m.id > (select coalesce(max(id), 0) from messages) - ${SHORT_QUERY_SCAN_ROWS}` : sql``;
  const newestCustomers = short ? sql`and cu.id > (select coalesce(max(id), 0) from customers) - ${SHORT_QUERY_SCAN_ROWS}` : sql``;
  const me = String(actor.userId);
  const visible = seesEverything(actor)
    ? sql`true`
    : sql`(c.status = 'needs_human' or c.assignee = ${me} or c.resolved_by = ${me} or c.team_id in (select team_id from team_members where user_id = ${actor.userId}))`;
  const found = await queryRows<{ id: number; messageId: number | null }>(
    db,
    sql`
    with message_hits as (
      select m.conversation_id, min(m.id) as message_id from messages m
       where m.text ilike ${pattern} ${newestMessages}
       group by m.conversation_id
    ), candidates as (
      select id, min(message_id) as message_id from (
        select conversation_id as id, message_id from message_hits
        union all
        select c.id, null from customers cu join conversations c on c.customer_id = cu.id
         where (cu.display_name ilike ${pattern} or cu.external_id ilike ${pattern}) ${newestCustomers}
      ) hits group by id
    )
    select c.id::int, k.message_id::float8 as "messageId"
      from candidates k
      -- One primary-key probe per candidate (limit 1 keeps the planner from turning this into a
      -- hash join over every conversation, which it prices lower and which measured ten times slower).
      cross join lateral (select * from conversations c where c.id = k.id limit 1) c
     where ${visible}
     order by c.last_message_at desc, c.id desc
     limit ${input.limit}`,
  );
  if (found.length === 0) return { conversations: [] };
  const ids = found.map((f) => f.id);
  const messageIds = found.flatMap((f) => (f.messageId === null ? [] : [f.messageId]));
  const [rows, texts] = await Promise.all([
    selectInboxRows(
      db,
      actor,
      [
        sql`c.id in (${sql.join(
          ids.map((id) => sql`${id}`),
          sql`, `,
        )})`,
      ],
      undefined,
      ids.length,
    ),
    messageIds.length === 0
      ? Promise.resolve([])
      : queryRows<{ id: number; text: string }>(
          db,
          sql`select id::float8 as id, text from messages where id in (${sql.join(
            messageIds.map((id) => sql`${id}`),
            sql`, `,
          )})`,
        ),
  ]);
  const textOf = new Map(texts.map((t) => [t.id, t.text]));
  const messageOf = new Map(found.map((f) => [f.id, f.messageId]));
  return {
    conversations: rows.map((row) => {
      const messageId = messageOf.get(row.id);
      const text = messageId == null ? undefined : textOf.get(messageId);
      return { ...toEntry(row), snippet: text === undefined ? null : snippetAround(text, input.q) };
    }),
  };
}

/** The text around the first case-insensitive occurrence of `q`, with … where it was cut. */
export function snippetAround(text: string, q: string): string {
  const chars = [...text];
  const at = [...text.slice(0, Math.max(0, text.toLowerCase().indexOf(q.toLowerCase())))].length;
  const start = Math.max(0, at - SNIPPET_CONTEXT);
  const end = Math.min(chars.length, at + [...q].length + SNIPPET_CONTEXT);
  return `${start > 0 ? '…' : ''}${chars.slice(start, end).join('')}${end < chars.length ? '…' : ''}`;
}
